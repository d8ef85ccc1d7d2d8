// @ts-check
/**
 * Hub detection, sans-IO style: the Rust core decides which URLs to probe (`probePlan`) and
 * what the answers mean (`classify`); this module only performs the requests, all in
 * parallel, with a timeout, no credentials, a size cap on each body, and the final URL and
 * redirect reported back.
 *
 * A failed request is told apart for the reader (`errorKind`: timeout, refused, unreachable,
 * dns, tls, redirects, reset, network), although `fetch` rejects every network failure with
 * the same bare TypeError: the browser's own error code comes from `webRequest.onErrorOccurred`
 * (`net::ERR_CERT_AUTHORITY_INVALID`, `SEC_ERROR_UNKNOWN_ISSUER`, …; seen where the extension
 * may read the host), and a redirect that cannot be followed to its end is found by asking
 * again without following it (`redirect: 'manual'`).
 */

/** Per-probe timeout. A hub on the same network answers in milliseconds; a slow one is "down". */
export const PROBE_TIMEOUT_MS = 5000;
/** Bytes of each body handed to the core; hub API answers are tiny, UI pages are not needed whole. */
export const PROBE_MAX_BYTES = 256 * 1024;

/**
 * @typedef {'timeout' | 'refused' | 'unreachable' | 'dns' | 'tls' | 'redirects' | 'reset' | 'network'} ErrorKind
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
  ['timeout', /ERR_CONNECTION_TIMED_OUT|ERR_TIMED_OUT|NS_ERROR_NET_TIMEOUT/],
  ['reset', /ERR_CONNECTION_RESET|ERR_CONNECTION_CLOSED|ERR_EMPTY_RESPONSE|NS_ERROR_NET_RESET|NS_ERROR_NET_INTERRUPT|NS_ERROR_NET_PARTIAL_TRANSFER/],
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
 * What a failed request means, for the reader.
 * @param {ErrorKind} kind
 * @param {{code?: string | null, timeoutMs?: number}} [detail]
 */
export function failureText(kind, {code = null, timeoutMs = PROBE_TIMEOUT_MS} = {}) {
  const suffix = code ? ` (${code})` : '';
  switch (kind) {
    case 'timeout':
      return `no answer within ${timeoutMs} ms (the host is slow, or drops the connection)${suffix}`;
    case 'refused':
      return `connection refused: nothing answers at that address and port${suffix}`;
    case 'unreachable':
      return `the host cannot be reached from this network${suffix}`;
    case 'dns':
      return `no such host: the name does not resolve${suffix}`;
    case 'tls':
      return `its HTTPS certificate is not trusted by this browser${suffix}`;
    case 'redirects':
      return code ? `too many redirects: it redirects in a loop${suffix}` : 'it redirects, and the redirects never reach a page (a loop, too many, or a target that does not answer)';
    case 'reset':
      return `the connection was closed without an answer${suffix}`;
    default:
      return code ? `no answer${suffix}` : 'no answer (the address is wrong, the host is down, or it refuses connections)';
  }
}

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
  try {
    const res = await fetchImpl(probe.url, {
      method: 'GET',
      credentials: 'omit',
      redirect: 'follow',
      cache: 'no-store',
      signal: controller.signal,
    });
    /** @type {Record<string, string>} */
    const headers = {};
    res.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const body = await readCapped(res, maxBytes);
    // Read without host access, a cross-origin answer is a CORS response: the browser has
    // already checked its Access-Control-Allow-Origin, and hides that header from us.
    const corsChecked = res.type === 'cors';
    return {id: probe.id, status: res.status, url: res.url || probe.url, redirected: res.redirected, headers, body, error: null, errorKind: null, corsChecked};
  } catch (err) {
    const failed = (/** @type {ErrorKind} */ kind, /** @type {string} */ error) => ({id: probe.id, status: 0, url: probe.url, redirected: false, headers: {}, body: '', error, errorKind: kind, corsChecked: false});
    if (controller.signal.aborted) return failed('timeout', failureText('timeout', {timeoutMs}));
    if (!(err instanceof TypeError)) return failed('network', `request failed: ${err instanceof Error ? err.message : String(err)}`);
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
 * What an unknown detection's responses say, for the reader: the kind of failure and a
 * message. Every probe failed: the most telling failure (a known kind before a bare network
 * error). Some answered: `http` when every answer was a server error (the status named),
 * else `not-a-hub` (the core's message, which lists what answered).
 * @param {ProbeResponse[]} responses
 * @param {{url: string, message: string}} detection the core's Detection
 * @returns {{kind: ErrorKind | 'http' | 'not-a-hub', message: string}}
 */
export function describeFailure(responses, detection) {
  const answered = responses.filter((r) => r.status !== 0);
  if (answered.length === 0) {
    const first = responses.find((r) => r.errorKind && r.errorKind !== 'network') ?? responses[0];
    return {kind: first?.errorKind ?? 'network', message: `could not reach ${detection.url}: ${first?.error ?? failureText('network')}`};
  }
  if (answered.every((r) => r.status >= 500)) {
    const statuses = [...new Set(answered.map((r) => r.status))].join(', ');
    return {kind: 'http', message: `the server answered with an error (HTTP ${statuses}) to every request: it may be down or misconfigured`};
  }
  return {kind: 'not-a-hub', message: detection.message};
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
