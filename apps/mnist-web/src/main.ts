/** The page: wires the settings form, backend picker, charts, tables, weights view and drawing pad to the training worker. */
import { defaultBackend, type BackendRow } from './backends.js';
import { renderBackendPicker } from './backend-picker.js';
import { createTrainingCharts } from './charts.js';
import { confusionMatrix } from './confusion.js';
import { renderConfusion } from './confusion-view.js';
import { createDrawingPad } from './drawing-pad.js';
import { toMnistInput } from './preprocess.js';
import type { FromWorker, ToWorker, TrainSettings } from './protocol.js';
import { clampSetting, settingsFromQuery } from './settings.js';
import { renderDigit, renderWeights } from './weights-view.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const initial = settingsFromQuery(location.search);

const worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module', name: 'tensorkit-training' });
const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);

type PageState = 'starting' | 'idle' | 'loading' | 'training' | 'evaluating' | 'done' | 'error';
let state: PageState = 'starting';
let rows: readonly BackendRow[] = [];
let backend: string | null = null;
let hasModel = false;

function setState(next: PageState, status?: string): void {
  state = next;
  document.body.dataset.state = next;
  if (status !== undefined) $('status').textContent = status;
  const busy = next === 'loading' || next === 'training' || next === 'evaluating';
  $<HTMLButtonElement>('train').disabled = busy || next === 'starting' || backend === null;
  $<HTMLButtonElement>('stop').disabled = next !== 'training' && next !== 'loading';
  $<HTMLButtonElement>('save').disabled = busy || !hasModel;
  $<HTMLInputElement>('load').disabled = busy || backend === null;
}

// Cross-origin isolation: wasm threads need it.
if (!globalThis.crossOriginIsolated) {
  const notice = $('isolation');
  notice.hidden = false;
  notice.textContent = 'This page is not cross-origin isolated (crossOriginIsolated is false): wasm threads are unavailable. Serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (pnpm web does).';
}

// Settings form.
$<HTMLInputElement>('data-url').value = initial.dataUrl;
$<HTMLInputElement>('epochs').value = String(initial.epochs);
$<HTMLInputElement>('batch-size').value = String(initial.batchSize);
$<HTMLInputElement>('train-limit').value = String(initial.trainLimit);
$<HTMLInputElement>('test-limit').value = String(initial.testLimit);

function readSettings(): TrainSettings {
  return {
    backend: backend!,
    dataUrl: $<HTMLInputElement>('data-url').value.trim() || initial.dataUrl,
    epochs: clampSetting('epochs', $<HTMLInputElement>('epochs').value, initial.epochs),
    batchSize: clampSetting('batchSize', $<HTMLInputElement>('batch-size').value, initial.batchSize),
    trainLimit: clampSetting('trainLimit', $<HTMLInputElement>('train-limit').value, initial.trainLimit),
    testLimit: clampSetting('testLimit', $<HTMLInputElement>('test-limit').value, initial.testLimit),
  };
}

const charts = createTrainingCharts($('loss-chart'), $('accuracy-chart'));
const epochRows = $('epochs-table').querySelector('tbody')!;

$('settings').addEventListener('submit', (event) => {
  event.preventDefault();
  if (!backend) return;
  const settings = readSettings();
  charts.reset();
  epochRows.replaceChildren();
  $('test-accuracy').textContent = 'not evaluated yet';
  $('test-accuracy').removeAttribute('data-value');
  $('confusion').replaceChildren();
  setState('loading', `starting on ${settings.backend}…`);
  send({ type: 'train', settings });
});
$('stop').addEventListener('click', () => {
  send({ type: 'stop' });
  $('status').textContent = 'stopping after this batch…';
});
$('save').addEventListener('click', () => send({ type: 'save' }));
$<HTMLInputElement>('load').addEventListener('change', async (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file || !backend) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  input.value = '';
  setState('loading', `loading weights from ${file.name}…`);
  send({ type: 'load', backend, bytes, name: file.name }, [bytes.buffer]);
});

// Drawing pad → predictions (one request in flight; the latest drawing wins).
let inFlight = false;
let pending: Float32Array | null = null;
let nextId = 1;
function requestPrediction(pixels: Float32Array): void {
  if (!hasModel) return;
  if (inFlight) {
    pending = pixels;
    return;
  }
  inFlight = true;
  send({ type: 'predict', id: nextId++, pixels }, [pixels.buffer]);
}
let lastInput: Float32Array | null = null;
const pad = createDrawingPad($<HTMLCanvasElement>('pad'), (image) => {
  const pixels = image ? toMnistInput(image) : null;
  renderDigit($<HTMLCanvasElement>('pad-preview'), pixels);
  lastInput = pixels ? pixels.slice() : null;
  if (pixels) requestPrediction(pixels);
  else showProbabilities(null);
});
$('clear').addEventListener('click', () => pad.clear());
renderDigit($<HTMLCanvasElement>('pad-preview'), null);

function showProbabilities(probabilities: Float32Array | null): void {
  const prediction = $('prediction');
  const bars = $('probabilities');
  if (!probabilities) {
    prediction.textContent = hasModel ? 'draw a digit' : 'train or load a model, then draw';
    prediction.removeAttribute('data-digit');
    bars.replaceChildren();
    return;
  }
  let best = 0;
  for (let d = 1; d < 10; d++) if (probabilities[d] > probabilities[best]) best = d;
  prediction.textContent = `prediction: ${best} (${(probabilities[best] * 100).toFixed(1)}%)`;
  prediction.dataset.digit = String(best);
  bars.innerHTML = Array.from(probabilities, (p, d) => `<div class="bar${d === best ? ' best' : ''}">${d} <span class="fill" style="width:${Math.round(p * 160)}px"></span> ${(p * 100).toFixed(1)}%</div>`).join('');
}

function downloadBytes(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const fmt = (v: number, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'backends':
      rows = m.rows;
      backend = defaultBackend(rows, initial.backend);
      renderBackendPicker($('backends'), rows, backend, (name) => {
        backend = name;
        setState(state === 'starting' ? 'idle' : state);
      });
      setState('idle', backend ? `ready: ${rows.filter((r) => r.state === 'ready').map((r) => r.name).join(', ')} available` : 'no backend is available in this browser');
      break;
    case 'status':
      $('status').textContent = m.text;
      break;
    case 'download':
      $('status').textContent = `downloading ${m.file}: ${(m.loaded / 1e6).toFixed(1)}${m.total ? ` / ${(m.total / 1e6).toFixed(1)}` : ''} MB`;
      break;
    case 'data':
      $('status').textContent = `loaded ${m.train} training and ${m.test} test images in ${m.seconds.toFixed(1)} s`;
      break;
    case 'started':
      hasModel = true;
      setState('training', `training: ${m.epochs} epochs of ${m.steps} batches of ${m.batchSize} on ${m.backend}`);
      break;
    case 'batch':
      charts.add(m.epoch + (m.batch + 1) / m.steps, m.loss, m.accuracy);
      $('status').textContent = `epoch ${m.epoch + 1}, batch ${m.batch + 1}/${m.steps}: loss ${fmt(m.loss)}, accuracy ${fmt(m.accuracy)}`;
      break;
    case 'epoch': {
      const tr = document.createElement('tr');
      tr.dataset.seconds = String(m.seconds);
      tr.dataset.accuracy = String(m.accuracy);
      tr.innerHTML = `<td>${m.epoch + 1}</td><td>${fmt(m.loss)}</td><td>${fmt(m.accuracy)}</td><td>${m.seconds.toFixed(2)}</td><td>${m.backend}</td>`;
      epochRows.append(tr);
      break;
    }
    case 'weights':
      renderWeights($('weights'), m.data, m.count, m.side);
      break;
    case 'evaluated': {
      const matrix = confusionMatrix(m.labels, m.predicted, 10);
      renderConfusion($<HTMLTableElement>('confusion'), matrix);
      const el = $('test-accuracy');
      el.dataset.value = String(m.accuracy);
      el.textContent = `test accuracy ${(m.accuracy * 100).toFixed(2)}% (loss ${fmt(m.loss)}) on ${m.labels.length} images, evaluated in ${m.seconds.toFixed(2)} s`;
      break;
    }
    case 'done':
      setState('done', m.stopped ? 'stopped; evaluated the model as it was' : 'done');
      if (lastInput) requestPrediction(lastInput.slice());
      break;
    case 'prediction':
      inFlight = false;
      if (pending) {
        const next = pending;
        pending = null;
        requestPrediction(next);
      }
      showProbabilities(m.probabilities);
      break;
    case 'saved':
      downloadBytes(m.bytes, `mnist-${backend ?? 'model'}.safetensors`);
      $('status').textContent = `saved ${(m.bytes.length / 1e6).toFixed(2)} MB of weights`;
      break;
    case 'loaded':
      hasModel = true;
      setState('done', `loaded weights from ${m.name} on ${m.backend}`);
      document.body.dataset.loaded = m.name;
      if (lastInput) requestPrediction(lastInput.slice());
      break;
    case 'error':
      if (m.during === 'predict') {
        inFlight = false;
        $('prediction').textContent = `prediction failed: ${m.message}`;
        break;
      }
      setState('error', `error (${m.during}): ${m.message}`);
      break;
  }
};
worker.onerror = (event) => setState('error', `worker error: ${event.message}`);

send({ type: 'probe' });
