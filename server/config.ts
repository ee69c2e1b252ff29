/**
 * Run settings from the environment (a stable contract: see the README). Bad values stop the
 * server at start with a message naming the variable, never a stack trace later.
 */
import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'PUBLIC_URL must be an http(s) URL such as http://kanban.example:3000' })
    .optional()
    .transform((u) => u?.replace(/\/+$/, '')),
  HTTPS: z
    .enum(['0', '1', ''])
    .optional()
    .transform((v) => v === '1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres://')
    .optional(),
  KANBRIDGE_DEMO: z
    .enum(['0', '1', ''])
    .optional()
    .transform((v) => v !== '0'),
  KANBRIDGE_ADMIN_EMAIL: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+$/, 'KANBRIDGE_ADMIN_EMAIL must be an email address')
    .optional(),
  KANBRIDGE_ADMIN_PASSWORD: z.string().min(8, 'KANBRIDGE_ADMIN_PASSWORD needs at least 8 characters').optional(),
  // Read where they apply (server/auth/board-quota.ts); checked here so a bad value stops the start.
  KANBRIDGE_BOARDS_PER_HOUR: z.coerce.number().int('must be a whole number').min(1).max(1_000_000).optional(),
  KANBRIDGE_MAX_BOARDS_PER_USER: z.coerce.number().int('must be a whole number').min(1).max(1_000_000).optional()
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  publicUrl?: string;
  https: boolean;
  databaseUrl?: string;
  demo: boolean;
  admin: { email?: string; password?: string };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(clean);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ');
    throw new ConfigError(`invalid settings:\n  ${msg}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    publicUrl: e.PUBLIC_URL,
    https: e.HTTPS,
    databaseUrl: e.DATABASE_URL,
    demo: e.KANBRIDGE_DEMO,
    admin: { email: e.KANBRIDGE_ADMIN_EMAIL, password: e.KANBRIDGE_ADMIN_PASSWORD }
  };
}

export class ConfigError extends Error {
  name = 'ConfigError';
}
