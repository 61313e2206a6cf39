import type { JSX } from 'react';
import type { RoomSummary, UserRole } from '@vigil/shared/console';
import { changeMapping, emptyMapping, moveMappingUp, removeMapping, type SsoForm } from './sso-form.ts';

const ROLE_LABELS: Readonly<Record<UserRole, string>> = {
  teacher: 'Teacher',
  technician: 'Technician',
  dsl: 'DSL',
  admin: 'Administrator',
  viewer: 'Viewer (reports)',
};

/**
 * Group/app-role value → Vigil role and rooms. Values are whatever the provider sends
 * (an Entra group object id, an app role value): shown as text, never as markup.
 */
export function SsoMappingTable(props: {
  readonly form: SsoForm;
  readonly rooms: readonly RoomSummary[];
  readonly onChange: (form: SsoForm) => void;
  readonly idPrefix: string;
}): JSX.Element {
  const { form, onChange } = props;
  return (
    <fieldset className="card" data-testid="sso-mappings">
      <legend>Groups and roles</legend>
      <p className="field-help">
        Each row gives people whose <code>{form.groupsClaim || 'groups'}</code> claim contains the value a Vigil role (and, for teachers, rooms). The first
        matching row decides the role; rooms add up over every matching row with that role.
      </p>
      {form.mappings.length > 0 && (
        <table className="data-table">
          <caption className="visually-hidden">Claim value to Vigil role</caption>
          <thead>
            <tr>
              <th scope="col">Group or role value</th>
              <th scope="col">Vigil role</th>
              <th scope="col">Rooms</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {form.mappings.map((mapping, index) => {
              const id = `${props.idPrefix}-mapping-${index}`;
              return (
                // Rows have no id of their own; the index is their identity while editing.
                <tr key={index} data-testid={`sso-mapping-${index}`}>
                  <td>
                    <label className="visually-hidden" htmlFor={`${id}-value`}>
                      Group or role value, row {index + 1}
                    </label>
                    <input
                      id={`${id}-value`}
                      value={mapping.claimValue}
                      maxLength={200}
                      onChange={(e) => onChange(changeMapping(form, index, { claimValue: e.target.value }))}
                    />
                  </td>
                  <td>
                    <label className="visually-hidden" htmlFor={`${id}-role`}>
                      Vigil role, row {index + 1}
                    </label>
                    <select id={`${id}-role`} value={mapping.role} onChange={(e) => onChange(changeMapping(form, index, { role: e.target.value as UserRole }))}>
                      {(Object.keys(ROLE_LABELS) as UserRole[]).map((role) => (
                        <option key={role} value={role}>
                          {ROLE_LABELS[role]}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <label className="visually-hidden" htmlFor={`${id}-rooms`}>
                      Rooms, row {index + 1}
                    </label>
                    <select
                      id={`${id}-rooms`}
                      multiple
                      size={Math.min(4, Math.max(2, props.rooms.length))}
                      value={[...mapping.roomIds]}
                      onChange={(e) => onChange(changeMapping(form, index, { roomIds: [...e.target.selectedOptions].map((option) => option.value) }))}
                    >
                      {props.rooms.map((room) => (
                        <option key={room.id} value={room.id}>
                          {room.name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <div className="button-row">
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        disabled={index === 0}
                        onClick={() => onChange(moveMappingUp(form, index))}
                        aria-label={`Move row ${index + 1} up`}
                      >
                        Up
                      </button>
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        onClick={() => onChange(removeMapping(form, index))}
                        aria-label={`Remove row ${index + 1}`}
                      >
                        Remove
                      </button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <button
        type="button"
        className="button button-secondary"
        onClick={() => onChange({ ...form, mappings: [...form.mappings, emptyMapping] })}
        data-testid="sso-add-mapping"
      >
        Add a row
      </button>
    </fieldset>
  );
}
