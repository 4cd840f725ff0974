/**
 * The names of `kl fit`'s model families, parsed without loading the families themselves
 * (the command line checks them before anything is read; families.ts builds them).
 */

export const FAMILY_NAMES = ['gaussian', 'student-t', 'mixture:K'] as const;

/** The largest K of mixture:K: more components than this is not a fit a grid can tell apart. */
export const MAX_COMPONENTS = 20;

/** A family as named: gaussian, student-t, or a mixture of `components` Gaussians. */
export type FamilySpec = { kind: 'gaussian' } | { kind: 'student-t' } | { kind: 'mixture'; components: number };

/** The family a name means (gaussian or normal, student-t or t, mixture:K with 1 ≤ K ≤ MAX_COMPONENTS); null if none. */
export function parseFamilyName(name: string): FamilySpec | null {
  if (name === 'gaussian' || name === 'normal') return { kind: 'gaussian' };
  if (name === 'student-t' || name === 't') return { kind: 'student-t' };
  const mixture = /^mixture:(\d{1,3})$/.exec(name);
  if (mixture) {
    const components = Number(mixture[1]);
    if (components >= 1 && components <= MAX_COMPONENTS) return { kind: 'mixture', components };
  }
  return null;
}
