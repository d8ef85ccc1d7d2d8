// @ts-check
/**
 * The probe runner: performs the requests the Rust core plans for a hub detection
 * (`probePlan`; the core reads the answers with `classify`), all in parallel, before the
 * plan's deadline, without credentials, a size cap on each body, the final URL and redirect
 * reported back. (The Rust classifier is `src/detect/`; the CLI's runner `src/bin/byob/http.rs`.)
 *
 * A failed request says why in `errorKind`, the wire contract's kinds (docs/contracts.md), so
 * the core phrases an unreachable hub in the same sentence here as in the CLI. `fetch` rejects
 * every network failure with the same bare TypeError: the browser's own error code comes from
 * `webRequest.onErrorOccurred` (`net::ERR_CERT_AUTHORITY_INVALID`, `SEC_ERROR_UNKNOWN_ISSUER`,
 * …; seen where the extension may read the host), and a redirect that cannot be followed to
 * its end is found by asking again without following it (`redirect: 'manual'`). Without
 * either, the kind is `network`: a failure this runner cannot tell apart.
 */

/** Per-probe timeout when a plan has none. A hub on the same network answers in milliseconds; a slow one is "down". */
export const PROBE_TIMEOUT_MS = 5000;
/** Bytes of each body handed to the core when a plan says none; hub API answers are tiny, UI pages are not needed whole. */
export const PROBE_MAX_BYTES = 256 * 1024;

/**
 * @typedef {'dns' | 'refused' | 'unreachable' | 'connect-timeout' | 'timeout' | 'no-answer' | 'incomplete' | 'closed' | 'tls' | 'redirects' | 'bad-response' | 'network' | 'other'} ErrorKind
 *   `ProbeErrorKind` of the wire contract (src/detect/wire.rs)
 * @typedef {{id: string, url: string}} Probe
 * @typedef {{id: string, status: number, url: string, redirected: boolean, headers: Record<string, string>, body: string, error: string | null, errorKind: ErrorKind | null, corsChecked: boolean}} ProbeResponse
 * @typedef {(url: string) => Promise<string | null>} NetworkError the browser's error code for a failed request to `url`, if it saw one
 * @typedef {{fetch?: typeof fetch, timeoutMs?: number, maxBytes?: number, networkError?: NetworkError}} ProbeOptions
 */

/**
 * The browser's network error codes by kind: Chromium's `net::ERR_*`, Firefox's `NS_ERROR_*`
 * and its certificate codes, or for certificates the sentence Firefox reports instead ("The
 * certificate is not trusted because it is self-signed."). The first pattern that matches decides.
 * @type {[ErrorKind, RegExp][]}
 */
const ERROR_CODES = [
  ['tls', /ERR_CERT_|ERR_SSL_|ERR_BAD_SSL|SEC_ERROR_|SSL_ERROR_|MOZILLA_PKIX_ERROR_|NS_ERROR_NET_INADEQUATE_SECURITY|certificate|\bSSL\b|secure connection/i],
  ['redirects', /ERR_TOO_MANY_REDIRECTS|NS_ERROR_REDIRECT_LOOP/],
  ['dns', /ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED|NS_ERROR_UNKNOWN_HOST/],
  ['refused', /ERR_CONNECTION_REFUSED|NS_ERROR_CONNECTION_REFUSED/],
  ['unreachable', /ERR_ADDRESS_UNREACHABLE|ERR_INTERNET_DISCONNECTED|ERR_NETWORK_UNREACHABLE|NS_ERROR_OFFLINE|NS_ERROR_NET_UNREACHABLE/],
  ['connect-timeout', /ERR_CONNECTION_TIMED_OUT/],
  ['timeout', /ERR_TIMED_OUT|NS_ERROR_NET_TIMEOUT/],
  ['incomplete', /ERR_CONTENT_LENGTH_MISMATCH|ERR_INCOMPLETE_CHUNKED_ENCODING|NS_ERROR_NET_PARTIAL_TRANSFER/],
  ['closed', /ERR_CONNECTION_RESET|ERR_CONNECTION_CLOSED|ERR_EMPTY_RESPONSE|NS_ERROR_NET_RESET|NS_ERROR_NET_INTERRUPT/],
  ['bad-response', /ERR_INVALID_HTTP_RESPONSE/],
];

/**
 * The kind of a browser network error code (see ERROR_CODES); `network` for any other.
 * @param {string} code
 * @returns {ErrorKind}
 */
export function errorKind(code) {
  for (const [kind, pattern] of ERROR_CODES) if (pattern.test(code)) return kind;
  return 'network';
}

/**
 * The detail of a failed request (`ProbeResponse.error`): what the browser saw, with its
 * code. The core builds the reader's sentence from the kind, quoting this where it helps (a
 * certificate, a redirect loop).
 * @param {ErrorKind} kind
 * @param {{code?: string | null, timeoutMs?: number}} [detail]
 */
export function failureText(kind, {code = null, timeoutMs = PROBE_TIMEOUT_MS} = {}) {
  const suffix = code ? ` (${code})` : '';
  if (kind === 'timeout' || kind === 'no-answer') return `no answer within ${timeoutMs} ms${suffix}`;
  if (kind === 'redirects' && !code) return 'the redirects never reach a page (a loop, too many, or a target that does not answer)';
  if (kind === 'network' && !code) return 'no answer (the address is wrong, the host is down, or it refuses connections)';
  return `${DETAILS[kind]}${suffix}`;
}

/** What each kind of failure is, in the words of the CLI's runner where it has them. @type {Record<ErrorKind, string>} */
const DETAILS = {
  dns: 'host name not found',
  refused: 'connection refused',
  unreachable: 'no route to the host',
  'connect-timeout': 'no connection',
  timeout: 'no answer',
  'no-answer': 'no answer',
  incomplete: 'the answer was cut off',
  closed: 'closed without an answer',
  tls: 'its HTTPS certificate is not trusted by this browser',
  redirects: 'a redirect loop',
  'bad-response': 'not an HTTP answer',
  network: 'no answer',
  other: 'the request failed',
};

/**
 * Perform every probe of a plan in parallel, with the plan's timeout and body cap (the core
 * decides them; the defaults here apply when a plan has none).
 * @param {{probes: Probe[], timeoutMs?: number, maxBody?: number}} plan
 * @param {ProbeOptions} [options]
 * @returns {Promise<ProbeResponse[]>} one response per probe, in plan order
 */
export function performProbes(plan, options = {}) {
  const opts = {timeoutMs: plan.timeoutMs ?? PROBE_TIMEOUT_MS, maxBytes: plan.maxBody ?? PROBE_MAX_BYTES, ...options};
  return Promise.all(plan.probes.map((probe) => performProbe(probe, opts)));
}

/**
 * @param {Probe} probe
 * @param {ProbeOptions} options
 * @returns {Promise<ProbeResponse>}
 */
export async function performProbe(probe, {fetch: fetchImpl = globalThis.fetch, timeoutMs = PROBE_TIMEOUT_MS, maxBytes = PROBE_MAX_BYTES, networkError = async () => null} = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('timeout')), timeoutMs);
  /** @type {ProbeResponse} */
  const out = {id: probe.id, status: 0, url: probe.url, redirected: false, headers: {}, body: '', error: null, errorKind: null, corsChecked: false};
  const failed = (/** @type {ErrorKind} */ kind, /** @type {string} */ error) => ({...out, error, errorKind: kind});
  try {
    const res = await fetchImpl(probe.url, {method: 'GET', credentials: 'omit', redirect: 'follow', cache: 'no-store', signal: controller.signal});
    res.headers.forEach((value, name) => {
      out.headers[name.toLowerCase()] = value;
    });
    // Read without host access, a cross-origin answer is a CORS response: the browser has
    // already checked its Access-Control-Allow-Origin, and hides that header from us.
    Object.assign(out, {status: res.status, url: res.url || probe.url, redirected: res.redirected, corsChecked: res.type === 'cors'});
    try {
      out.body = await readCapped(res, maxBytes);
    } catch (err) {
      // Status and headers came; the body did not, in time or at all.
      return failed('incomplete', controller.signal.aborted ? `the answer was still arriving after ${timeoutMs} ms` : failureText('incomplete', {code: errorText(err)}));
    }
    return out;
  } catch (err) {
    // Aborted at the deadline: a browser cannot tell a host that never accepted the connection
    // from one that accepted and never answered.
    if (controller.signal.aborted) return failed('no-answer', failureText('no-answer', {timeoutMs}));
    if (!(err instanceof TypeError)) return failed('other', `request failed: ${errorText(err)}`);
    // fetch rejects every network failure with a bare TypeError ("Failed to fetch",
    // "NetworkError when attempting to fetch resource."): find out which it was.
    const code = await networkError(probe.url).catch(() => null);
    if (code) {
      const kind = errorKind(code);
      return failed(kind, failureText(kind, {code, timeoutMs}));
    }
    if (await redirectsFirst(probe.url, fetchImpl, controller.signal)) return failed('redirects', failureText('redirects'));
    return failed('network', failureText('network'));
  } finally {
    clearTimeout(timer);
  }
}

/** @param {unknown} err */
function errorText(err) {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Does `url` answer with a redirect? Asked without following it, after following it failed:
 * the answer is then a redirect chain that never reaches a page. (Extensions get an opaque
 * redirect; Node, the redirect itself.)
 * @param {string} url
 * @param {typeof fetch} fetchImpl
 * @param {AbortSignal} signal
 */
async function redirectsFirst(url, fetchImpl, signal) {
  try {
    const res = await fetchImpl(url, {method: 'GET', credentials: 'omit', redirect: 'manual', cache: 'no-store', signal});
    await res.body?.cancel().catch(() => {
      // The body of a redirect is not needed; failing to drop it changes nothing.
    });
    return res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400);
  } catch {
    // This request failed too: not a redirect the first one could not follow.
    return false;
  }
}

/**
 * Collect the browser's error codes for the extension's own requests to `origins` while a
 * detection runs (`webRequest.onErrorOccurred`; the browser reports them only for hosts the
 * extension may read). Redirects keep a request's id, so an error on a later hop is still
 * the probe's.
 * @param {any} webRequest the extension's `webRequest` namespace (absent: nothing collected)
 * @param {string[]} urls the probe URLs
 * @returns {{networkError: NetworkError, stop: () => void}}
 */
export function watchNetworkErrors(webRequest, urls) {
  /** @type {Map<string, string>} request id → probe URL */
  const requests = new Map();
  /** @type {Map<string, string>} probe URL → error code */
  const errors = new Map();
  const wanted = new Set(urls);
  if (!webRequest?.onErrorOccurred || !webRequest?.onBeforeRequest) return {networkError: async () => null, stop: () => {}};
  const filter = {urls: [...new Set(urls.map((u) => originPattern(u)))]};
  const onBefore = (/** @type {any} */ d) => {
    if (wanted.has(d.url) && !requests.has(d.requestId)) requests.set(d.requestId, d.url);
  };
  const onError = (/** @type {any} */ d) => {
    const url = requests.get(d.requestId) ?? (wanted.has(d.url) ? d.url : null);
    if (url && typeof d.error === 'string') errors.set(url, d.error);
  };
  webRequest.onBeforeRequest.addListener(onBefore, filter);
  webRequest.onErrorOccurred.addListener(onError, filter);
  return {
    // The event may come a moment after fetch rejected: wait for it briefly.
    networkError: async (url) => {
      for (let i = 0; i < 10 && !errors.has(url); i++) await new Promise((r) => setTimeout(r, 20));
      return errors.get(url) ?? null;
    },
    stop: () => {
      webRequest.onBeforeRequest.removeListener(onBefore);
      webRequest.onErrorOccurred.removeListener(onError);
    },
  };
}

/**
 * Read at most `maxBytes` of a response body as UTF-8, then stop the download.
 * @param {Response} res
 * @param {number} maxBytes
 */
async function readCapped(res, maxBytes) {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const {done, value} = await reader.read();
    if (done) break;
    const room = maxBytes - total;
    chunks.push(value.byteLength > room ? value.subarray(0, room) : value);
    total += Math.min(value.byteLength, room);
    if (total >= maxBytes) {
      await reader.cancel().catch((err) => console.warn('byob: cancelling a capped probe body failed', err));
      break;
    }
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * Does the server at `url` answer at all? Used only when every probe failed: a `no-cors`
 * request succeeds (with an opaque response) when the server answered but did not allow this
 * extension to read the answer, and fails when nothing answered.
 * @param {string} url
 * @param {ProbeOptions} [options]
 */
export async function answersWithoutCors(url, {fetch: fetchImpl = globalThis.fetch, timeoutMs = PROBE_TIMEOUT_MS} = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('timeout')), timeoutMs);
  try {
    await fetchImpl(url, {mode: 'no-cors', credentials: 'omit', cache: 'no-store', signal: controller.signal});
    return true;
  } catch {
    // A refused connection or a timeout: the server did not answer. Nothing to log: this is
    // the expected outcome for a hub that is down.
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The host permission pattern that covers a hub URL. Match patterns carry no port (Firefox
 * rejects one), so access to `http://127.0.0.1:8000/` is requested as `http://127.0.0.1/*`.
 * @param {string} url
 */
export function originPattern(url) {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}/*`;
}
