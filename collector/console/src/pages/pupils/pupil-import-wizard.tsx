import { useId, useState, type ChangeEvent, type JSX } from 'react';
import { pupilFieldSchema, type ImportProblem, type PupilField, type PupilImportPreview, type PupilImportResult } from '@vigil/shared/console';
import { describeError } from '../../api/client.ts';
import type { Site } from '../admin/admin-types.ts';
import { PUPIL_FIELD_LABELS, pupilGroups } from './pupil-format.ts';
import { pupilsApi } from './pupils-api.ts';

// Import from the MIS in three steps: choose the CSV, check the preview (the column
// mapping proposed from the headers, which the admin may change, the first rows as they
// will be read, every problem by row), confirm. The file is read in the browser and sent
// as text twice (preview, import): nothing of it is kept on the server in between.

const FIELDS: readonly PupilField[] = pupilFieldSchema.options;

function ProblemList(props: { readonly problems: readonly ImportProblem[]; readonly testId: string }): JSX.Element {
  if (props.problems.length === 0) return <p data-testid={props.testId}>No problems found.</p>;
  return (
    <ul className="problem-list" data-testid={props.testId}>
      {props.problems.map((problem, index) => (
        <li key={index} data-code={problem.code}>
          {problem.message}
        </li>
      ))}
    </ul>
  );
}

export function PupilImportWizard(props: { readonly sites: readonly Site[]; readonly onImported: () => void }): JSX.Element {
  const id = useId();
  const [siteId, setSiteId] = useState(props.sites[0]?.id ?? '');
  const [file, setFile] = useState<{ name: string; text: string } | undefined>();
  const [preview, setPreview] = useState<PupilImportPreview | undefined>();
  const [mapping, setMapping] = useState<PupilField[]>([]);
  const [full, setFull] = useState(true);
  const [result, setResult] = useState<PupilImportResult | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await work();
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    setResult(undefined);
    setPreview(undefined);
    if (chosen === undefined) return;
    void run(async () => {
      const text = await chosen.text();
      setFile({ name: chosen.name, text });
      const answer = await pupilsApi.preview(siteId, text, chosen.name);
      setPreview(answer);
      setMapping(answer.mapping);
    });
  };

  const remap = (index: number, field: PupilField) => {
    if (file === undefined) return;
    const next = mapping.map((current, at) => (at === index ? field : current));
    setMapping(next);
    void run(async () => setPreview(await pupilsApi.preview(siteId, file.text, file.name, next)));
  };

  const confirm = () => {
    if (file === undefined) return;
    void run(async () => {
      setResult(await pupilsApi.import(siteId, file.text, file.name, mapping, full));
      setPreview(undefined);
      props.onImported();
    });
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`} data-testid="pupil-import">
      <h2 id={`${id}-heading`}>Import from your MIS</h2>
      <p>
        Export pupils from SIMS, Arbor or Bromcom as CSV (any delimiter; UTF-8). Re-importing updates pupils by their UPN / MIS id; with a full import, pupils
        missing from the file are marked as left and deleted after the retention period.
      </p>
      {props.sites.length > 1 && (
        <p>
          <label htmlFor={`${id}-site`}>Site </label>
          <select id={`${id}-site`} value={siteId} onChange={(event) => setSiteId(event.target.value)} disabled={busy}>
            {props.sites.map((site) => (
              <option key={site.id} value={site.id}>
                {site.name}
              </option>
            ))}
          </select>
        </p>
      )}
      <p>
        <label htmlFor={`${id}-file`}>CSV file </label>
        <input id={`${id}-file`} type="file" accept=".csv,.txt,text/csv" onChange={choose} disabled={busy} data-testid="pupil-import-file" />
      </p>
      {problem !== undefined && (
        <p className="banner banner-error" role="alert">
          {problem}
        </p>
      )}
      {preview !== undefined && (
        <div data-testid="pupil-import-preview">
          <h3>Columns</h3>
          <table className="data-table">
            <caption className="visually-hidden">Columns of the file and what each is imported as</caption>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Import as</th>
                <th scope="col">First values</th>
              </tr>
            </thead>
            <tbody>
              {preview.columns.map((column) => (
                <tr key={column.index}>
                  <th scope="row">{column.header === '' ? `Column ${column.index + 1}` : column.header}</th>
                  <td>
                    <select
                      aria-label={`Import column ${column.header} as`}
                      value={mapping[column.index] ?? 'ignore'}
                      onChange={(event) => remap(column.index, pupilFieldSchema.parse(event.target.value))}
                      disabled={busy}
                      data-testid={`pupil-map-${column.index}`}
                    >
                      {FIELDS.map((field) => (
                        <option key={field} value={field}>
                          {PUPIL_FIELD_LABELS[field]}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{column.samples.filter((sample) => sample !== '').join(' · ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>
            First pupils ({preview.rows.length} of {preview.rowCount} rows)
          </h3>
          <table className="data-table" data-testid="pupil-preview-rows">
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">UPN / MIS id</th>
                <th scope="col">Name</th>
                <th scope="col">Year and group</th>
                <th scope="col">Classes</th>
                <th scope="col">Accounts</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => (
                <tr key={row.misId}>
                  <td>{row.row}</td>
                  <td>{row.misId}</td>
                  <td>
                    {row.givenName} {row.familyName}
                  </td>
                  <td>{pupilGroups(row)}</td>
                  <td>{row.classes.join(', ')}</td>
                  <td>{row.accounts.map((account) => `${account.kind}: ${account.username}`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Problems</h3>
          <ProblemList problems={preview.problems} testId="pupil-preview-problems" />
          <p>
            <label>
              <input type="checkbox" checked={full} onChange={(event) => setFull(event.target.checked)} /> Full import: mark pupils missing from this file as
              left
            </label>
          </p>
          <button type="button" className="button button-primary" onClick={confirm} disabled={busy} data-testid="pupil-import-confirm">
            Import {preview.rowCount} rows
          </button>
        </div>
      )}
      {result !== undefined && (
        <div role="status" data-testid="pupil-import-result">
          <p>
            Imported: {result.added} added, {result.updated} updated, {result.unchanged} unchanged, {result.left} marked as left.
          </p>
          <ProblemList problems={result.problems} testId="pupil-import-problems" />
        </div>
      )}
    </section>
  );
}
