/** Why a file the user named could not be read, in the few words a one-line error needs (never its content). */
export function readErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? String((err as Error)?.message ?? err);
}
