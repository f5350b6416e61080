/** The one way tests send HTTP: a bearer token, JSON in and out, never a throw on a status. */

export interface Reply {
  status: number;
  headers: Headers;
  /** The parsed answer when its Content-Type is JSON and it has a body; otherwise undefined. */
  body: unknown;
  text: string;
}

interface SendOptions {
  /** Serialised with JSON.stringify and sent with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as it is, with no Content-Type unless `headers` names one. */
  raw?: string;
  /** Sent last: they replace the JSON Content-Type and the token's Authorization. */
  headers?: Readonly<Record<string, string>>;
  /** Replaces the client's token for this request; null sends no Authorization header. */
  token?: string | null;
}

/** For a `raw` body that is (or pretends to be) JSON. */
export const JSON_CONTENT_TYPE: Readonly<Record<string, string>> = {
  'Content-Type': 'application/json',
};

export interface HttpClient {
  readonly baseUrl: string;
  send(method: string, path: string, options?: SendOptions): Promise<Reply>;
}

const isJson = (contentType: string | null) =>
  contentType !== null && /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType);

/** Requests to `baseUrl` + path, as `token`'s bearer unless a request says otherwise. */
export function httpClient(baseUrl: string, token: string | null = null): HttpClient {
  return {
    baseUrl,
    async send(method, path, options = {}) {
      if (options.json !== undefined && options.raw !== undefined) {
        throw new Error('send: give json or raw, not both');
      }
      const headers = new Headers();
      const bearer = options.token === undefined ? token : options.token;
      if (bearer !== null) headers.set('Authorization', `Bearer ${bearer}`);
      if (options.json !== undefined) headers.set('Content-Type', 'application/json');
      for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);

      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: options.json !== undefined ? JSON.stringify(options.json) : options.raw,
      });
      const text = await response.text();
      const body: unknown =
        text !== '' && isJson(response.headers.get('content-type')) ? JSON.parse(text) : undefined;
      return { status: response.status, headers: response.headers, body, text };
    },
  };
}
