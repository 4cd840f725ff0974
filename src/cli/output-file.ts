/**
 * Files kl writes (`--output`, `--report`): never an input, and never half-written.
 *
 * - Identity, not spelling: the output is refused when it is the same file as an input
 *   (same device and inode), whatever path leads there: the same string, `./p.csv`, a
 *   symbolic link or a hard link.
 * - Atomic: everything goes to a temporary file in the same directory, renamed over the
 *   target only when the run has succeeded (exit 0, or 1 for a failed check, whose output
 *   is still the normal output). A run that fails, is interrupted or exits early removes
 *   the temporary file, so the target is either the old file or the complete new one.
 */
import { chmodSync, closeSync, openSync, renameSync, type Stats, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { TextSink } from './program.js';

/** Temporary files not yet renamed or removed: removed on any exit, Ctrl-C included. */
const pending = new Set<AtomicFile>();

/** Removes every temporary file a run has not committed (process exit, Ctrl-C). */
export function abortPendingOutputs(): void {
  for (const file of [...pending]) file.abort();
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

export function errnoText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
      return 'no space left on device (ENOSPC)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'ENOENT':
      return 'no such directory (ENOENT)';
    case 'EISDIR':
      return 'is a directory (EISDIR)';
    case 'EDQUOT':
      return 'disk quota exceeded (EDQUOT)';
    case 'EBADF':
      return 'the file descriptor is closed (EBADF)';
    case undefined:
      return error instanceof Error ? error.message : String(error);
    default:
      return code;
  }
}

/**
 * (Messages quote paths as given: reportError applies the escaping rule to every message.)
 *
 * Refuses an output path that is the same file as one of `inputs` (paths as given; `-`
 * and files that do not exist are skipped), or as another output.
 */
export function assertNotAnInput(flag: string, path: string, inputs: readonly string[]): void {
  const target = statOrNull(path);
  if (target === null) return;
  if (target.isDirectory()) throw new UsageError('output-is-directory', `${flag} ${path}: is a directory`);
  for (const input of inputs) {
    if (input === '-') continue;
    const source = statOrNull(input);
    if (source && source.dev === target.dev && source.ino === target.ino) {
      throw new UsageError('output-is-input', `${flag} ${path} is the input ${input} (the same file): kl never writes over an input`, {
        hint: `name another file for ${flag}`,
      });
    }
  }
}

export class AtomicFile implements TextSink {
  private fd: number | null;
  private readonly temporary: string;

  /** Creates the temporary file at once, so an unwritable destination fails before any work. */
  constructor(
    readonly path: string,
    private readonly flag: string,
  ) {
    const directory = dirname(path);
    this.temporary = join(directory, `.${basename(path)}.kl-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
    try {
      this.fd = openSync(this.temporary, 'wx', 0o666);
    } catch (error) {
      throw this.writeError(error);
    }
    pending.add(this);
    // Replacing a file keeps its permissions (a report someone made group-readable stays so).
    const existing = statOrNull(path);
    if (existing?.isFile()) {
      try {
        chmodSync(this.temporary, existing.mode & 0o7777);
      } catch {
        // Not ours to change: the new file keeps the default permissions.
      }
    }
  }

  private writeError(error: unknown): UsageError {
    return new UsageError('output-write', `${this.flag} ${this.path}: cannot write it: ${errnoText(error)}`);
  }

  write(text: string): void {
    if (this.fd === null) return;
    try {
      const bytes = Buffer.from(text, 'utf8');
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
    } catch (error) {
      this.abort();
      throw this.writeError(error);
    }
  }

  /** Puts the complete file in place. */
  commit(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
      this.fd = null;
      renameSync(this.temporary, this.path);
      pending.delete(this);
    } catch (error) {
      this.abort();
      throw this.writeError(error);
    }
  }

  /** Removes the temporary file; the destination is left as it was. */
  abort(): void {
    pending.delete(this);
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // Already closed: nothing to release.
      }
      this.fd = null;
    }
    try {
      unlinkSync(this.temporary);
    } catch {
      // Already renamed or removed.
    }
  }
}
