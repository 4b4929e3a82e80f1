// The Draw page's canvas (Streamlit components v2): white strokes on black; while the pen moves, every model
// shipped to the browser reads the drawing once per animation frame; on release the strokes and the picture go to
// the server. Hand-written, no build step. The 28x28 recipe mirrors mnistdash/drawing.py (float64 arithmetic here).
// The linear models are a 784x10 product here; the networks run their ONNX graphs in onnxruntime-web (vendored under
// static/onnxruntime-web/, served by Streamlit at app/static/), or, if it fails to load, the plain-JS layers below.
// Which one runs is in the live panel's data-net-path: "onnxruntime-web", "plain-js" or "loading".

const MIN_CONTRAST = 0.08, MIN_INK_PIXELS = 4;
const MODELS = (window.__mnistdashModels = window.__mnistdashModels || {}); // name -> {W, b, T, binarize}
const NETS = (window.__mnistdashNets = window.__mnistdashNets || {}); // name -> [{op, W, b, ...}] (fallback)
// onnxruntime-web, once per page: {ort, sessions: name -> InferenceSession, path, failed, chain (runs never overlap)}
const ORT = (window.__mnistdashOrt = window.__mnistdashOrt || { ort: null, sessions: {}, path: "loading", failed: false, chain: Promise.resolve() });
window.__live = window.__live || []; // pointer move -> live answers on screen, ms (read by bench/draw_latency.py)

// Streamlit 1.67 serves .mjs as application/javascript and .wasm as application/wasm, so the module is imported
// from its URL (from a Blob URL of its text where a server sends another type); the wasm goes in as fetched bytes.
// Single-threaded: no SharedArrayBuffer (cross-origin isolation) needed.
async function loadOrt() {
  if (ORT.loading) return ORT.loading;
  ORT.loading = (async () => {
    const base = new URL("app/static/onnxruntime-web/", window.location.href);
    const get = async (name) => { const r = await fetch(new URL(name, base)); if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`); return r; };
    const module = new URL("ort.wasm.bundle.min.mjs", base).href;
    const [ort, wasm] = await Promise.all([
      import(module).catch(async () => import(URL.createObjectURL(new Blob([await (await get("ort.wasm.bundle.min.mjs")).text()], { type: "text/javascript" })))),
      get("ort-wasm-simd-threaded.wasm").then((r) => r.arrayBuffer()),
    ]);
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmBinary = wasm;
    ORT.ort = ort;
    return ort;
  })();
  return ORT.loading;
}

// The networks' ONNX graphs (base64) into sessions; on any failure the page falls back to the plain-JS layers.
async function startNets(nets, s) {
  try {
    const ort = await loadOrt();
    for (const n of nets)
      if (!ORT.sessions[n.name]) ORT.sessions[n.name] = await ort.InferenceSession.create(Uint8Array.from(atob(n.onnx), (c) => c.charCodeAt(0)), { executionProviders: ["wasm"] });
    ORT.path = "onnxruntime-web";
  } catch (err) {
    console.warn("onnxruntime-web did not load; the networks run as plain JS:", err);
    ORT.failed = true;
    ORT.path = "plain-js";
    s.setStateValue("net_path", "plain-js"); // the server then sends the plain-JS layers
  }
  showLive(s);
}

function decodeFloats(b64) {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

function areaMatrix(nIn, nOut) {
  const m = new Float64Array(nOut * nIn), step = nIn / nOut;
  for (let i = 0; i < nOut; i++) {
    const a = i * step, b = (i + 1) * step;
    for (let j = Math.floor(a); j < Math.min(nIn, Math.ceil(b)); j++) m[i * nIn + j] = (Math.min(b, j + 1) - Math.max(a, j)) / step;
  }
  return m;
}

// RGBA ImageData -> Float64Array(784) in [0, 1], or null when there is no digit yet.
export function toDigit(img) {
  const { width: W, height: H, data } = img;
  const gray = new Float64Array(W * H);
  let r0 = H, r1 = -1, c0 = W, c1 = -1, count = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const k = 4 * (y * W + x);
      const g = (0.299 * data[k] + 0.587 * data[k + 1] + 0.114 * data[k + 2]) / 255;
      gray[y * W + x] = g;
      if (g > MIN_CONTRAST) { count++; if (y < r0) r0 = y; if (y > r1) r1 = y; if (x < c0) c0 = x; if (x > c1) c1 = x; }
    }
  if (count < MIN_INK_PIXELS) return null;
  const h = r1 - r0 + 1, w = c1 - c0 + 1, scale = 20 / Math.max(h, w);
  const sh = Math.max(1, Math.round(h * scale)), sw = Math.max(1, Math.round(w * scale));
  const ry = areaMatrix(h, sh), rx = areaMatrix(w, sw);
  const tmp = new Float64Array(sh * w); // ry @ crop
  for (let i = 0; i < sh; i++)
    for (let j = 0; j < h; j++) {
      const a = ry[i * h + j];
      if (a === 0) continue;
      const row = (r0 + j) * W + c0;
      for (let x = 0; x < w; x++) tmp[i * w + x] += a * gray[row + x];
    }
  const small = new Float64Array(sh * sw);
  let peak = 0;
  for (let i = 0; i < sh; i++)
    for (let o = 0; o < sw; o++) {
      let s = 0;
      for (let x = 0; x < w; x++) s += tmp[i * w + x] * rx[o * w + x];
      small[i * sw + o] = s;
      if (s > peak) peak = s;
    }
  let total = 0, my = 0, mx = 0;
  for (let i = 0; i < sh; i++)
    for (let o = 0; o < sw; o++) { const v = (small[i * sw + o] /= peak); total += v; my += i * v; mx += o * v; }
  const top = 14 - Math.round(my / total), left = 14 - Math.round(mx / total);
  const digit = new Float64Array(784);
  for (let i = 0; i < sh; i++)
    for (let o = 0; o < sw; o++) {
      const y = top + i, x = left + o;
      if (y >= 0 && y < 28 && x >= 0 && x < 28) digit[y * 28 + x] = Math.min(1, Math.max(0, small[i * sw + o]));
    }
  return digit;
}

// The linear models' probabilities for a digit: softmax((W t(x) + b) / T).
export function readLinear(digit) {
  const out = {};
  for (const [name, m] of Object.entries(MODELS)) {
    const z = new Float64Array(10);
    for (let c = 0; c < 10; c++) {
      let s = m.b[c];
      const row = c * 784;
      for (let i = 0; i < 784; i++) { const v = m.binarize ? (digit[i] > 0.5 ? 1 : 0) : digit[i]; s += m.W[row + i] * v; }
      z[c] = s / m.T;
    }
    const top = Math.max(...z);
    let sum = 0;
    const p = Array.from(z, (v) => { const e = Math.exp(v - top); sum += e; return e; });
    out[name] = p.map((e) => e / sum);
  }
  return out;
}

// A network's probabilities: its layers over the (1, 28, 28) digit (activations channel-major), then softmax.
export function runNet(layers, digit) {
  let a = Float64Array.from(digit), c = 1, h = 28, w = 28;
  for (const L of layers) {
    if (L.op === "dense") {
      const n = a.length, out = new Float64Array(L.out);
      for (let o = 0; o < L.out; o++) { let s = L.b[o]; const row = o * n; for (let i = 0; i < n; i++) s += L.W[row + i] * a[i]; out[o] = s; }
      a = out; c = L.out; h = w = 1;
    } else if (L.op === "conv") {
      const k = L.k, p = L.pad, out = new Float64Array(L.out * h * w);
      for (let o = 0; o < L.out; o++) {
        const plane = o * h * w;
        out.fill(L.b[o], plane, plane + h * w);
        for (let ci = 0; ci < c; ci++)
          for (let dy = 0; dy < k; dy++)
            for (let dx = 0; dx < k; dx++) {
              const wt = L.W[((o * c + ci) * k + dy) * k + dx];
              if (wt === 0) continue;
              for (let y = Math.max(0, p - dy); y < Math.min(h, h + p - dy); y++) {
                const src = ci * h * w + (y + dy - p) * w + dx - p, dst = plane + y * w;
                for (let x = Math.max(0, p - dx); x < Math.min(w, w + p - dx); x++) out[dst + x] += wt * a[src + x];
              }
            }
      }
      a = out; c = L.out;
    } else if (L.op === "relu") {
      for (let i = 0; i < a.length; i++) if (a[i] < 0) a[i] = 0;
    } else if (L.op === "pool") {
      const s = L.size, hh = Math.floor(h / s), ww = Math.floor(w / s), out = new Float64Array(c * hh * ww).fill(-Infinity);
      for (let ci = 0; ci < c; ci++)
        for (let y = 0; y < hh * s; y++)
          for (let x = 0; x < ww * s; x++) {
            const o = (ci * hh + Math.floor(y / s)) * ww + Math.floor(x / s), v = a[(ci * h + y) * w + x];
            if (v > out[o]) out[o] = v;
          }
      a = out; h = hh; w = ww;
    }
  }
  return softmax(a);
}

function softmax(z) {
  const top = Math.max(...z);
  let sum = 0;
  const e = Array.from(z, (v) => { const x = Math.exp(v - top); sum += x; return x; });
  return e.map((x) => x / sum);
}

// The networks through onnxruntime-web: one run per network on the (1, 1, 28, 28) digit, softmax of the logits.
async function readOrt(digit) {
  const out = {}, x = new ORT.ort.Tensor("float32", Float32Array.from(digit), [1, 1, 28, 28]);
  for (const [name, session] of Object.entries(ORT.sessions)) out[name] = softmax((await session.run({ pixels: x })).logits.data);
  return out;
}

// Every model shipped to the browser: the linear ones, then the networks (onnxruntime-web, else plain JS).
export async function readAll(digit) {
  const out = readLinear(digit);
  if (ORT.path === "onnxruntime-web") {
    const run = ORT.chain.then(() => readOrt(digit));
    ORT.chain = run.catch(() => {});
    Object.assign(out, await run);
  } else if (ORT.path === "plain-js") for (const [name, layers] of Object.entries(NETS)) out[name] = runNet(layers, digit);
  return out;
}

function argmax(p) { return p.reduce((best, v, i) => (v > p[best] ? i : best), 0); }

function paint(s) {
  const ctx = s.ctx;
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, s.canvas.width, s.canvas.height);
  ctx.strokeStyle = "#fff";
  ctx.lineCap = ctx.lineJoin = "round";
  for (const st of s.strokes) line(ctx, st.points, st.width);
}

function line(ctx, pts, width) {
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(pts[0][0], pts[0][1]);
  for (const [x, y] of pts.slice(pts.length === 1 ? 0 : 1)) ctx.lineTo(x, y);
  ctx.stroke();
}

async function showLive(s, since) {
  const ticket = (s.ticket = (s.ticket || 0) + 1); // a later call's answers win over an earlier one still running
  const digit = toDigit(s.ctx.getImageData(0, 0, s.canvas.width, s.canvas.height));
  const probs = digit ? await readAll(digit) : {};
  if (ticket !== s.ticket) return;
  const names = Object.keys(probs);
  s.live.dataset.netPath = ORT.path;
  const lead = probs[s.leader] ? `<span class='head'><b class='verdict' data-testid='draw-live-verdict'>${argmax(probs[s.leader])}</b> ${s.leader} while you draw, ${Math.round(100 * Math.max(...probs[s.leader]))}%; every model:</span>` : "<span class='head'>while you draw</span>";
  s.live.innerHTML = names.length
    ? lead +
      names.map((n) => { const p = probs[n], c = argmax(p); return `<span class='row' data-model='${n}' data-answer='${c}'><code>${n}</code> <b>${c}</b> ${Math.round(100 * p[c])}%</span>`; }).join("")
    : "<span class='head'>while you draw: the browser's models read your strokes here</span>";
  s.live.dataset.answers = names.map((n) => `${n}:${argmax(probs[n])}`).join(" ");
  if (since !== undefined) window.__live.push(performance.now() - since);
}

// The strokes and the picture to the server; `seq` tells a new sending from the last one taken, across remounts.
function send(s) {
  const seq = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  s.setStateValue("drawing", { version: s.version, seq, strokes: s.strokes, png: s.canvas.toDataURL("image/png") });
}

function setup(root) {
  const wrap = document.createElement("div");
  wrap.className = "mnistdash-draw";
  wrap.innerHTML = "<canvas data-testid='draw-canvas' role='img' aria-label='drawing canvas: draw a digit with the mouse or a finger'></canvas><div class='live' data-testid='draw-live' aria-live='off'></div>";
  root.appendChild(wrap);
  const canvas = wrap.querySelector("canvas");
  const s = { canvas, ctx: canvas.getContext("2d", { willReadFrequently: true }), live: wrap.querySelector(".live"), strokes: [], current: null, frame: 0, version: null };
  const at = (e) => { const r = canvas.getBoundingClientRect(); return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height]; };
  const schedule = (t) => {
    s.since = s.since === undefined ? t : s.since; // the oldest move not yet shown
    if (s.frame) return;
    if (s.busy) { s.pending = true; return; } // a run is on: no queue, the next frame after it reads the newest ink
    s.frame = requestAnimationFrame(async () => {
      s.frame = 0;
      const since = s.since;
      s.since = undefined;
      s.busy = true;
      try { await showLive(s, since); } finally { s.busy = false; if (s.pending) { s.pending = false; schedule(performance.now()); } }
    });
  };
  canvas.addEventListener("pointerdown", (e) => {
    canvas.setPointerCapture(e.pointerId);
    s.current = { points: [at(e)], width: s.width };
    s.ctx.strokeStyle = "#fff";
    s.ctx.lineCap = s.ctx.lineJoin = "round";
    line(s.ctx, s.current.points, s.width);
    schedule(performance.now());
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!s.current) return;
    const p = at(e), pts = s.current.points;
    s.ctx.lineWidth = s.current.width;
    s.ctx.beginPath();
    s.ctx.moveTo(...pts[pts.length - 1]);
    s.ctx.lineTo(...p);
    s.ctx.stroke();
    pts.push(p);
    schedule(performance.now());
  });
  const release = () => {
    if (!s.current) return;
    s.strokes.push({ points: s.current.points.map(([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10]), width: s.current.width });
    s.current = null;
    send(s);
  };
  canvas.addEventListener("pointerup", release);
  canvas.addEventListener("pointercancel", release);
  return s;
}

export default function (component) {
  const { parentElement, data, setStateValue } = component;
  const s = parentElement.__mnistdashDraw || (parentElement.__mnistdashDraw = setup(parentElement));
  s.setStateValue = setStateValue;
  s.width = data.stroke_width;
  s.leader = data.leader;
  for (const m of data.models || []) MODELS[m.name] = { W: decodeFloats(m.W), b: decodeFloats(m.b), T: m.T, binarize: m.binarize };
  if (data.onnx && data.onnx.length && !ORT.failed) startNets(data.onnx, s);
  for (const n of data.nets || []) NETS[n.name] = n.layers.map((L) => (L.W ? { ...L, W: decodeFloats(L.W), b: decodeFloats(L.b) } : L));
  if (s.canvas.width !== data.size) s.canvas.width = s.canvas.height = data.size;
  s.canvas.style.width = s.canvas.style.height = `${data.size}px`;
  if (data.nets && data.nets.length) { // the fallback's layers arrived (ORT failed, or the server has no ONNX export)
    if (ORT.path !== "onnxruntime-web") ORT.path = "plain-js";
    showLive(s);
  }
  if (s.version !== data.version) { // Undo, Clear, or back from an upload: the server's strokes
    s.version = data.version;
    s.strokes = data.strokes;
    s.current = null;
    paint(s);
    showLive(s);
    if (data.resend && s.strokes.length) send(s);
  } else if (!s.live.innerHTML) showLive(s);
}

window.__mnistdashDraw = { toDigit, readLinear, readAll }; // for the test that feeds the same drawings to the browser and the server
