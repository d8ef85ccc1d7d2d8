// @ts-check
/**
 * Hub detection, sans-IO style: the Rust core decides which URLs to probe (`probePlan`) and
 * what the answers mean (`classify`); this module only performs the requests, all in
 * parallel, with a timeout, no credentials, a size cap on each body, and the final URL and
 * redirect reported back.
 */

/** Per-probe timeout. A hub on the same network answers in milliseconds; a slow one is "down". */
export const PROBE_TIMEOUT_MS = 5000;
/** Bytes of each body handed to the core; hub API answers are tiny, UI pages are not needed whole. */
export const PROBE_MAX_BYTES = 256 * 1024;

/**
 * @typedef {{id: string, url: string}} Probe
 * @typedef {{id: string, status: number, url: string, redirected: boolean, headers: Record<string, string>, body: string, error: string | null, corsChecked: boolean}} ProbeResponse
 * @typedef {{fetch?: typeof fetch, timeoutMs?: number, maxBytes?: number}} ProbeOptions
 */

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
export async function performProbe(probe, {fetch: fetchImpl = globalThis.fetch, timeoutMs = PROBE_TIMEOUT_MS, maxBytes = PROBE_MAX_BYTES} = {}) {
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
    return {id: probe.id, status: res.status, url: res.url || probe.url, redirected: res.redirected, headers, body, error: null, corsChecked};
  } catch (err) {
    // fetch rejects with a bare TypeError ("Failed to fetch", "NetworkError when attempting to
    // fetch resource."): say what it means to a reader instead.
    const error = controller.signal.aborted
      ? `no answer within ${timeoutMs} ms`
      : err instanceof TypeError
        ? 'no answer (the address is wrong, the host is down, or it refuses connections)'
        : `request failed: ${err instanceof Error ? err.message : String(err)}`;
    return {id: probe.id, status: 0, url: probe.url, redirected: false, headers: {}, body: '', error, corsChecked: false};
  } finally {
    clearTimeout(timer);
  }
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
