import type { PupilField } from '@vigil/shared/console';

// Header names seen in SIMS, Arbor and Bromcom exports (and the usual hand-made sheets),
// compared without case, spaces, dots, dashes or underscores. For a field that takes one
// column the earlier alias wins (a preferred name is the one staff know a child by).

const aliases: Readonly<Record<Exclude<PupilField, 'ignore'>, readonly string[]>> = {
  misId: ['upn', 'uniquepupilnumber', 'misid', 'admissionnumber', 'adno', 'admno', 'studentid', 'pupilid', 'personid', 'arborid', 'bromcomid', 'simsid', 'id'],
  givenName: ['preferredforename', 'preferredfirstname', 'forename', 'firstname', 'givenname'],
  familyName: ['preferredsurname', 'preferredlastname', 'surname', 'lastname', 'familyname'],
  legalGivenName: ['legalforename', 'legalfirstname'],
  legalFamilyName: ['legalsurname', 'legallastname'],
  fullName: ['name', 'fullname', 'pupilname', 'studentname', 'preferredname', 'legalname'],
  yearGroup: ['year', 'yeargroup', 'ncyear', 'curriculumyear', 'yeartaughtin', 'yr'],
  tutorGroup: ['reggroup', 'registrationgroup', 'form', 'formgroup', 'tutorgroup', 'reg', 'tutor', 'class'],
  classes: ['classes', 'teachinggroups', 'teachinggroup', 'sets', 'subjectclasses', 'timetableclasses'],
  osUsername: [
    'username',
    'networkusername',
    'windowsusername',
    'login',
    'loginname',
    'logonname',
    'adusername',
    'computerusername',
    'samaccountname',
    'networklogin',
  ],
  googleAccount: ['google', 'googleaccount', 'googleemail', 'googleusername', 'googleworkspace', 'gsuite'],
  microsoftAccount: [
    'microsoft',
    'microsoftaccount',
    'microsoftemail',
    'office365',
    'o365',
    'm365',
    'entraid',
    'azuread',
    'email',
    'emailaddress',
    'schoolemail',
    'pupilemail',
    'studentemail',
  ],
};

/** Fields more than one column may feed (their values are joined). */
const multiColumn: ReadonlySet<PupilField> = new Set(['classes']);

export const normaliseHeader = (header: string): string => header.toLowerCase().replace(/[\s._\-/()#]+/g, '');

/** The field a header most likely holds, with its rank (lower is better), or undefined. */
function guess(header: string): { field: Exclude<PupilField, 'ignore'>; rank: number } | undefined {
  const key = normaliseHeader(header);
  if (key === '') return undefined;
  for (const [field, names] of Object.entries(aliases) as [Exclude<PupilField, 'ignore'>, readonly string[]][]) {
    const rank = names.indexOf(key);
    if (rank >= 0) return { field, rank };
  }
  // "Class 1", "Class 2" … as Bromcom exports them.
  if (/^(class|set|teachinggroup)\d+$/.test(key)) return { field: 'classes', rank: 0 };
  return undefined;
}

/** One proposed field per column: each single-valued field goes to its best-ranked column only. */
export function proposeMapping(header: readonly string[]): PupilField[] {
  const guesses = header.map(guess);
  const best = new Map<PupilField, number>();
  guesses.forEach((g, index) => {
    if (g === undefined || multiColumn.has(g.field)) return;
    const current = best.get(g.field);
    if (current === undefined || (guesses[current]?.rank ?? Infinity) > g.rank) best.set(g.field, index);
  });
  const mapping = guesses.map((g, index): PupilField => {
    if (g === undefined) return 'ignore';
    return multiColumn.has(g.field) || best.get(g.field) === index ? g.field : 'ignore';
  });
  // A full name is only needed when the parts are not there.
  const has = (preferred: PupilField, legal: PupilField) => mapping.includes(preferred) || mapping.includes(legal);
  if (has('givenName', 'legalGivenName') && has('familyName', 'legalFamilyName')) return mapping.map((field) => (field === 'fullName' ? 'ignore' : field));
  return mapping;
}

/** Whether a header is recognised at all (an unknown column is listed, then ignored). */
export const isKnownHeader = (header: string): boolean => guess(header) !== undefined;
