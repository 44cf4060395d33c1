// Makes reference outputs with ONNX Runtime (onnxruntime-node, CPU) for the models listed in a
// spec file (scripts/reference_models.json). For each model that exists it writes
//   OUT/<name>/inputs/<input>.npy    seeded uniform random inputs
//   OUT/<name>/outputs/<output>.npy  what ONNX Runtime computes
//   OUT/<name>/meta.json             model path, input and output names in order, seed
// Usage: node scripts/ort_reference.js SPEC.json OUT_DIR [--force]
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const ort = require(path.join(root, 'models/npm/node_modules/onnxruntime-node'));

// mulberry32: a tiny seeded generator, so inputs are reproducible without extra packages.
function mulberry32(seed) {
  return function () {
    seed |= 0; seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const kDescr = { float32: '<f4', float64: '<f8', int64: '<i8', int32: '<i4', int8: '|i1', uint8: '|u1', bool: '|b1' };

function npyBytes(type, dims, data) {
  const descr = kDescr[type];
  if (!descr) throw new Error(`cannot write dtype ${type} to npy`);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), body]);
}

function sanitize(name) { return name.replace(/[^A-Za-z0-9._-]/g, '_'); }

async function makeReference(model, outRoot, force) {
  const modelPath = path.join(root, model.path);
  const dir = path.join(outRoot, model.name);
  if (!fs.existsSync(modelPath)) { console.log(`  ${model.name}: ${model.path} missing, skipped`); return; }
  const metaPath = path.join(dir, 'meta.json');
  if (!force && fs.existsSync(metaPath) && fs.statSync(metaPath).mtimeMs >= fs.statSync(modelPath).mtimeMs) {
    console.log(`  ${model.name}: up to date`);
    return;
  }
  fs.mkdirSync(path.join(dir, 'inputs'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'outputs'), { recursive: true });
  const session = await ort.InferenceSession.create(modelPath, { graphOptimizationLevel: 'disabled' });
  const rand = mulberry32(model.seed || 1);
  const feeds = {};
  for (const name of session.inputNames) {
    const dims = model.inputs[name];
    if (!dims) throw new Error(`${model.name}: the spec gives no shape for input '${name}'`);
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; ++i) data[i] = model.range01 ? rand() : rand() * 2 - 1;
    feeds[name] = new ort.Tensor('float32', data, dims);
    fs.writeFileSync(path.join(dir, 'inputs', sanitize(name) + '.npy'), npyBytes('float32', dims, data));
  }
  const t0 = Date.now();
  const results = await session.run(feeds);
  for (const name of session.outputNames) {
    const t = results[name];
    fs.writeFileSync(path.join(dir, 'outputs', sanitize(name) + '.npy'), npyBytes(t.type, t.dims, t.data));
  }
  const meta = { model: model.path, inputs: session.inputNames, outputs: session.outputNames, seed: model.seed,
                 input_shapes: model.inputs, onnxruntime: require(path.join(root, 'models/npm/node_modules/onnxruntime-node/package.json')).version };
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 1));
  console.log(`  ${model.name}: ${session.outputNames.length} outputs in ${Date.now() - t0} ms`);
}

async function main() {
  const [specPath, outRoot, flag] = process.argv.slice(2);
  if (!specPath || !outRoot) { console.error('usage: node ort_reference.js SPEC.json OUT_DIR [--force]'); process.exit(2); }
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
  for (const model of spec.models) await makeReference(model, path.resolve(outRoot), flag === '--force');
}

main().catch((e) => { console.error(`ort_reference: error: ${e.message}`); process.exit(1); });
