/**
 * How a path names an array in an `.npz` archive (`file.npz:name`), without loading the
 * archive reader (npz.ts).
 */

/** `….npz` or `….npz:member`. */
const NPZ_PATH = /^(.*\.npz)(?::([^/\\]*))?$/i;

/** The archive and the member a path names, or null for a path that is no .npz. */
export function npzPartOf(path: string): { archive: string; member: string | null } | null {
  const match = NPZ_PATH.exec(path);
  if (!match) return null;
  return { archive: match[1] as string, member: match[2] === undefined || match[2] === '' ? null : match[2] };
}

/** The file a path reads: the archive of an .npz member, else the path itself (for identity checks). */
export function fileOfPath(path: string): string {
  return npzPartOf(path)?.archive ?? path;
}
