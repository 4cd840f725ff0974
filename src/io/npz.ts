/**
 * NumPy's `.npz` archives (np.savez, np.savez_compressed): a zip of `.npy` files, one per
 * array. `file.npz:name` reads the array `name`; `file.npz` reads its only array, and an
 * archive of several must name one (which one is meant is not kl's to guess). Members are
 * streamed out of the archive (inflated as they are read) by yauzl, the zip reader Node
 * tools use; the rest of kl reads them as any `.npy`. A module of its own, loaded only to
 * read an .npz (the build makes it dist/npz.cjs): yauzl is no part of any other run.
 */
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { npzPartOf } from './npz-path.js';

/** The member's bytes (a whole .npy file), streamed and inflated. */
export async function openNpzMember(path: string): Promise<Readable> {
  const part = npzPartOf(path) as { archive: string; member: string | null };
  const yauzl = await import('yauzl');
  let zip: import('yauzl').ZipFile;
  try {
    zip = await yauzl.openPromise(part.archive, { lazyEntries: true, autoClose: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('file-not-found', 'no such file', { location: { source: part.archive } });
    throw new InputError('invalid-npz', `is not a valid .npz archive: ${(error as Error).message}`, { location: { source: part.archive } });
  }
  const entries: import('yauzl').Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: import('yauzl').Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  }).catch((error: Error) => {
    zip.close();
    throw new InputError('invalid-npz', `is not a valid .npz archive: ${error.message}`, { location: { source: part.archive } });
  });
  const arrays = entries.filter((entry) => entry.fileName.endsWith('.npy'));
  const names = arrays.map((entry) => entry.fileName.slice(0, -4));
  let chosen: import('yauzl').Entry | undefined;
  if (part.member !== null) {
    chosen = arrays[names.indexOf(part.member)];
    if (!chosen) {
      zip.close();
      throw new InputError('no-such-array', `has no array ${JSON.stringify(part.member)} (its arrays: ${names.join(', ') || 'none'})`, {
        location: { source: part.archive },
      });
    }
  } else if (arrays.length === 1) {
    chosen = arrays[0];
  } else {
    zip.close();
    throw new InputError(
      arrays.length === 0 ? 'no-such-array' : 'ambiguous-format',
      arrays.length === 0 ? 'holds no arrays' : `holds ${arrays.length} arrays (${names.join(', ')}): which one?`,
      { location: { source: part.archive }, hint: arrays.length === 0 ? undefined : `name it: ${part.archive}:${names[0]}` },
    );
  }
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(chosen as import('yauzl').Entry);
  } catch (error) {
    zip.close();
    throw new InputError('invalid-npz', `is not a valid .npz archive: ${(error as Error).message}`, { location: { source: part.archive } });
  }
  const close = () => zip.close();
  stream.once('end', close);
  stream.once('close', close);
  return stream;
}
