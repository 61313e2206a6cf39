import type { PupilField, PupilRef, UserRole } from '@vigil/shared/console';

/** "Jon Smith" */
export function pupilName(pupil: Pick<PupilRef, 'givenName' | 'familyName'>): string {
  return `${pupil.givenName} ${pupil.familyName}`;
}

/** "Year 7, 7AB" (whatever of the two is known), or ''. */
export function pupilGroups(pupil: Pick<PupilRef, 'yearGroup' | 'tutorGroup'>): string {
  return [pupil.yearGroup, pupil.tutorGroup].filter((part): part is string => part !== null && part !== '').join(', ');
}

/** "Jon Smith (Year 7, 7AB)" */
export function pupilLabel(pupil: PupilRef): string {
  const groups = pupilGroups(pupil);
  return groups === '' ? pupilName(pupil) : `${pupilName(pupil)} (${groups})`;
}

/** Who may open a pupil's page (the collector's access table says the same). */
export function mayOpenPupilPage(role: UserRole): boolean {
  return role === 'dsl' || role === 'admin';
}

export const PUPIL_FIELD_LABELS: Readonly<Record<PupilField, string>> = {
  ignore: "Don't import",
  misId: 'UPN / MIS id (key)',
  givenName: 'Forename',
  familyName: 'Surname',
  legalGivenName: 'Legal forename (if no forename)',
  legalFamilyName: 'Legal surname (if no surname)',
  fullName: 'Full name',
  yearGroup: 'Year group',
  tutorGroup: 'Tutor / reg group',
  classes: 'Classes',
  osUsername: 'Computer username',
  googleAccount: 'Google account',
  microsoftAccount: 'Microsoft account',
};
