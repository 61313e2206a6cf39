import { useEffect, useId, useState, type JSX } from 'react';
import { describeError } from '../../api/client.ts';
import { useLoad } from '../triage/page-kit.tsx';
import { FormProblems } from './admin-kit.tsx';
import { adminApi } from './admin-api.ts';

/**
 * Users page (admin): whether teachers must use an authenticator app. Teachers see live
 * screens, so a school may want the second factor for them too; off by default so a
 * first run stays simple. Saved at once; the collector audits the change.
 */
export function SecuritySettingsPanel(props: { readonly announce: (message: string) => void }): JSX.Element | null {
  const id = useId();
  const settings = useLoad(() => adminApi.securitySettings(), 'security settings');
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const stored = settings.data?.requireTotpForTeachers;
  useEffect(() => {
    if (stored !== undefined) setChecked(stored);
  }, [stored]);
  if (settings.data === undefined) return null;

  const save = async (next: boolean) => {
    setChecked(next);
    setBusy(true);
    setProblem(undefined);
    try {
      await adminApi.setSecuritySettings({ requireTotpForTeachers: next });
      props.announce(
        next
          ? 'Teachers must now use two-factor sign-in. Those without it set it up at their next request or sign-in.'
          : 'Teachers may sign in with a password alone again.',
      );
      settings.reload();
    } catch (error) {
      setChecked(!next);
      setProblem(`Could not save: ${describeError(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card" data-testid="security-settings">
      <FormProblems problems={problem === undefined ? [] : [problem]} />
      <label className="check-label">
        <input
          type="checkbox"
          data-testid="require-totp-teachers"
          checked={checked}
          disabled={busy}
          onChange={(event) => void save(event.target.checked)}
          aria-describedby={`${id}-help`}
        />
        Require two-factor sign-in (authenticator app) for teachers
      </label>
      <p id={`${id}-help`} className="field-help">
        Technicians, DSLs and admins always need it. Teachers see live screens: turn this on to ask them for a code from an authenticator app too.
      </p>
    </div>
  );
}
