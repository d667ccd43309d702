import cron from 'node-cron';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads settings from the environment, trimming values and collecting every problem (a message
 * naming the variable, what it must be and what it was) instead of stopping at the first, so that
 * a misconfigured deployment learns everything at once. The configuration (src/config.ts) and the
 * plugins' `settings(env)` (through src/plugin-api) read with it.
 */
export class SettingsReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  integer(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  /** `all` when unset; `none` is the empty list; otherwise names separated by commas or spaces. */
  pluginSelection(name: string): 'all' | string[] {
    const raw = this.string(name);
    if (raw === undefined || raw === 'all') return 'all';
    if (raw === 'none') return [];
    const names = [...new Set(raw.split(/[\s,]+/).filter((entry) => entry !== ''))];
    const malformed = names.filter((entry) => !/^[a-z][a-z0-9-]{1,30}$/.test(entry));
    if (malformed.length > 0) this.problems.push(`${name} must be all, none or plugin names separated by commas, got "${raw}"`);
    return names;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  }

  url(name: string): string | undefined {
    const raw = this.string(name);
    if (raw !== undefined && !/^https?:\/\/[^\s/]+/.test(raw)) {
      this.problems.push(`${name} must be an http(s) URL, got "${raw}"`);
    }
    return raw;
  }

  cron(name: string, fallback: string): string {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!cron.validate(raw)) {
      this.problems.push(`${name} must be a cron expression such as "*/10 * * * *", got "${raw}"`);
      return fallback;
    }
    return raw;
  }

  mongoUri(name: string): string | undefined {
    const raw = this.string(name);
    if (raw !== undefined && !/^mongodb(\+srv)?:\/\//.test(raw)) {
      this.problems.push(`${name} must start with mongodb:// or mongodb+srv://`);
    }
    return raw;
  }
}
