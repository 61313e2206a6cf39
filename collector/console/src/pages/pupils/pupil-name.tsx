import type { JSX } from 'react';
import type { PupilRef } from '@vigil/shared/console';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { mayOpenPupilPage, pupilLabel } from './pupil-format.ts';

/** The pupil beside an alert: a link to their page for those who may open it, plain text otherwise. */
export function PupilName(props: { readonly pupil: PupilRef }): JSX.Element {
  const { me } = useSession();
  const label = pupilLabel(props.pupil);
  if (!mayOpenPupilPage(me.user.role)) return <span data-testid="pupil-name">{label}</span>;
  return (
    <Link to={`/pupils/${encodeURIComponent(props.pupil.id)}`} data-testid="pupil-name">
      {label}
    </Link>
  );
}
