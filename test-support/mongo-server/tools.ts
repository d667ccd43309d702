import path from 'node:path';

/** Where the embedded database looks for and keeps its tools; entry points fill it from the environment. */
export interface ToolOptions {
  /** Tools built for Keiko (FerretDB) live here, shared by every clone on the machine. */
  toolsDir: string;
  /** PATH-style list of directories searched for `mongod` and `go`. */
  searchPath: string;
}

/** `KEIKO_TOOLS_DIR` (default `~/.cache/keiko-lrs`) and `PATH`, for entry points to pass in. */
export function toolOptionsFromEnvironment(
  env: Record<string, string | undefined>,
  homeDir: string,
): ToolOptions {
  const toolsDir = env.KEIKO_TOOLS_DIR?.trim() || path.join(homeDir, '.cache', 'keiko-lrs');
  return { toolsDir: path.resolve(toolsDir), searchPath: env.PATH ?? '' };
}
