// The one place that talks HTTP to Gamme: typed client, bearer header, silent refresh.
import createClient from 'openapi-fetch';
import type { paths as aiPaths } from './ai';
import type { components, paths } from './auth';
import type { paths as filesPaths } from './files';
import type { paths as proceduresPaths } from './procedures';
import type { paths as workPaths } from './work';

export type User = components['schemas']['User'];
export type Role = components['schemas']['Role'];
export type LoginResponse = components['schemas']['LoginResponse'];
export type Problem = components['schemas']['Problem'];

export const ROLES: readonly Role[] = ['admin', 'editor', 'technician', 'viewer'];

/** An API failure carrying the server's problem+json body when there was one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly detail: string | undefined;
  /** Seconds from a `Retry-After` header, when the server sent one (rate limiting). */
  readonly retryAfter: number | undefined;
  /** The problem's details by field or item (e.g. which steps are missing), when it has them. */
  readonly errors: unknown;

  constructor(status: number, problem: Partial<Problem> | undefined, retryAfter?: number) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem?.code;
    this.detail = problem?.detail;
    this.retryAfter = retryAfter;
    this.errors = (problem as { errors?: unknown } | undefined)?.errors;
  }
}

// The access token lives only in this module's memory: a page reload loses it on
// purpose, and the httpOnly refresh cookie brings it back (see refreshSession).
let accessToken: string | null = null;

type SessionListener = (session: LoginResponse | null) => void;
const listeners = new Set<SessionListener>();

/** Called whenever the session starts, is renewed (the user may have changed) or ends. */
export function onSessionChange(listener: SessionListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function applySession(session: LoginResponse | null): void {
  accessToken = session?.access_token ?? null;
  for (const listener of listeners) listener(session);
}

// Endpoints that do not use the access token: a 401 from them is final (and
// retrying refresh itself would loop).
const NO_RETRY = new Set(['/api/auth/login', '/api/auth/setup', '/api/auth/refresh', '/api/auth/logout']);

/** A 401 for a wrong password (e.g. the current one on a password change) is not an expired token. */
async function isWrongCredentials(response: Response): Promise<boolean> {
  try {
    const problem = (await response.clone().json()) as Partial<Problem>;
    return problem.code === 'invalid_credentials';
  } catch {
    return false;
  }
}

let refreshing: Promise<LoginResponse | null> | null = null;

/**
 * Exchanges the refresh cookie for a new access token. Concurrent callers share one
 * request: the refresh token rotates, and presenting the old one twice would make the
 * server revoke the whole session as a replay.
 */
export function refreshSession(): Promise<LoginResponse | null> {
  refreshing ??= (async () => {
    try {
      const { data } = await api.POST('/api/auth/refresh');
      applySession(data ?? null);
      return data ?? null;
    } catch {
      // Network failure: keep whatever session state we had; the caller sees null.
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function withToken(request: Request): Request {
  if (accessToken) request.headers.set('Authorization', `Bearer ${accessToken}`);
  return request;
}

async function authFetch(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (NO_RETRY.has(path)) return fetch(withToken(request));

  // A Request body can be read only once; keep a pristine copy for the retry.
  const spare = request.clone();
  const response = await fetch(withToken(request));
  if (response.status !== 401 || (await isWrongCredentials(response))) return response;

  const session = await refreshSession();
  if (!session) {
    applySession(null);
    return response;
  }
  return fetch(withToken(spare));
}

const clientOptions = { baseUrl: window.location.origin, credentials: 'same-origin', fetch: authFetch } as const;

/** One typed client per service, generated from its OpenAPI document; all share the session. */
export const api = createClient<paths>(clientOptions);
export const proceduresApi = createClient<proceduresPaths>(clientOptions);
export const filesApi = createClient<filesPaths>(clientOptions);
export const aiApi = createClient<aiPaths>(clientOptions);
export const workApi = createClient<workPaths>(clientOptions);

/** The `Authorization` header value, for the few requests openapi-fetch cannot make (upload progress). */
export function bearer(): string | null {
  return accessToken ? `Bearer ${accessToken}` : null;
}

/**
 * Turns openapi-fetch's `{data, error, response}` into a value or a thrown ApiError,
 * which is what react-query wants.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const problem =
      typeof error === 'object' && error !== null ? (error as Partial<Problem>) : undefined;
    const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    throw new ApiError(response.status, problem, Number.isNaN(retryAfter) ? undefined : retryAfter);
  }
  return data as T;
}
