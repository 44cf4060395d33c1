#include "tests/gpu/gpu_test_support.h"

#include <cstring>

#include "ir/infer_shapes.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/device_buffer.h"
#include "kernels/gpu/gpu_resources.h"

namespace mrt::testing {

namespace {

constexpr const char* kRefusedPrefix = "setup refused: ";

// The single-node graph of `t`, with inferred static output shapes.
Expected<Graph> BuildGraph(const OpUnderTest& t) {
  Graph g;
  std::vector<ValueId> ins, outs;
  for (size_t i = 0; i < t.inputs.size(); ++i) {
    if (t.inputs[i].dtype() == DType::kUndefined) {
      ins.push_back(kNoValue);
      continue;
    }
    const std::string name = "in" + std::to_string(i);
    const bool weight = i < t.is_weight.size() && t.is_weight[i];
    if (weight) {
      ins.push_back(g.AddWeight(name, t.inputs[i]));
    } else {
      const ValueId v = g.AddValue(name, t.inputs[i].dtype(), t.inputs[i].shape());
      g.AddGraphInput(v);
      ins.push_back(v);
    }
  }
  for (int i = 0; i < t.num_outputs; ++i) outs.push_back(g.AddValue("out" + std::to_string(i)));
  g.AddNode(t.op, "node", ins, outs, t.attrs);
  for (ValueId v : outs) g.AddGraphOutput(v);
  MRT_RETURN_IF_ERROR(InferShapes(g));
  return g;
}

// `host_inputs` holds the data of every input (activations and weights alike).
Expected<std::vector<Tensor>> RunOneTactic(gpu::Tactic& tactic, const gpu::NodeDesc& desc,
                                           const std::vector<Tensor>& host_inputs, gpu::GpuResources& res,
                                           cudaStream_t stream) {
  std::vector<gpu::DeviceBuffer> buffers;
  auto upload = [&](const Tensor& host, const char* what) -> Expected<TensorView> {
    MRT_ASSIGN_OR_RETURN(gpu::DeviceBuffer b, gpu::DeviceBuffer::Allocate(host.nbytes(), what));
    if (host.nbytes()) MRT_CUDA_TRY(cudaMemcpy(b.get(), host.raw(), host.nbytes(), cudaMemcpyHostToDevice));
    TensorView v{host.dtype(), host.sizes(), b.get()};
    buffers.push_back(std::move(b));
    return v;
  };
  // Inputs: packed weights replace their input; everything else is uploaded as is.
  std::vector<gpu::PackedWeight> packed = tactic.PackWeights(desc);
  std::vector<TensorView> inputs(desc.inputs.size());
  for (size_t i = 0; i < desc.inputs.size(); ++i) {
    if (!desc.inputs[i].present()) continue;
    const gpu::PackedWeight* p = nullptr;
    for (const auto& pw : packed)
      if (pw.input_index == static_cast<int>(i)) p = &pw;
    if (p) {
      MRT_ASSIGN_OR_RETURN(inputs[i], upload(p->packed, "packed weight"));
    } else {
      MRT_ASSIGN_OR_RETURN(inputs[i], upload(host_inputs[i], "input"));
    }
  }
  std::vector<TensorView> outputs;
  for (const auto& o : desc.outputs) {
    Tensor poison(o.dtype, o.sizes);
    std::memset(poison.raw(), 0xFF, poison.nbytes());
    MRT_ASSIGN_OR_RETURN(TensorView v, upload(poison, "output"));
    outputs.push_back(v);
  }
  if (Status st = tactic.Setup(res); !st.ok()) return Status::Error(std::string(kRefusedPrefix) + st.message());
  MRT_ASSIGN_OR_RETURN(gpu::DeviceBuffer workspace, gpu::DeviceBuffer::Allocate(tactic.WorkspaceBytes(), "workspace"));
  MRT_RETURN_IF_ERROR(res.BindStream(stream));
  gpu::LaunchArgs args{inputs, outputs, workspace.get(), stream, &res};
  MRT_RETURN_IF_ERROR(tactic.Launch(args));
  MRT_CUDA_TRY(cudaStreamSynchronize(stream));
  std::vector<Tensor> result;
  for (const auto& o : outputs) {
    Tensor host(o.dtype, o.sizes);
    if (host.nbytes()) MRT_CUDA_TRY(cudaMemcpy(host.raw(), o.data, host.nbytes(), cudaMemcpyDeviceToHost));
    result.push_back(std::move(host));
  }
  return result;
}

}  // namespace

std::vector<TacticRun> RunProviderTactics(const OpUnderTest& t, gpu::TacticProvider provider, gpu::MathOptions math) {
  std::vector<TacticRun> runs;
  auto graph = BuildGraph(t);
  if (!graph.ok()) {
    ADD_FAILURE() << "building the test graph: " << graph.status().message();
    return runs;
  }
  const Node& node = graph->node(0);
  auto desc = gpu::MakeNodeDesc(*graph, node, math);
  if (!desc.ok()) {
    ADD_FAILURE() << desc.status().message();
    return runs;
  }
  gpu::TacticList tactics;
  provider(*desc, tactics);
  auto res = gpu::GpuResources::Create();
  if (!res.ok()) {
    ADD_FAILURE() << res.status().message();
    return runs;
  }
  cudaStream_t stream = nullptr;
  cudaStreamCreate(&stream);
  for (auto& tactic : tactics) {
    TacticRun run;
    run.name = tactic->name();
    run.family = tactic->family();
    auto out = RunOneTactic(*tactic, *desc, t.inputs, **res, stream);
    if (out.ok()) {
      run.outputs = std::move(*out);
    } else {
      run.status = out.status();
      run.refused = out.status().message().rfind(kRefusedPrefix, 0) == 0;
    }
    runs.push_back(std::move(run));
  }
  cudaStreamDestroy(stream);
  return runs;
}

std::vector<Tensor> ReferenceOutputs(const OpUnderTest& t) {
  return RunAll(t.op, t.inputs, t.attrs, t.num_outputs);
}

int ExpectTacticsMatchReference(const OpUnderTest& t, gpu::TacticProvider provider, double rel_tol,
                                gpu::MathOptions math, const std::string& name_filter) {
  const std::vector<Tensor> ref = ReferenceOutputs(t);
  int checked = 0;
  for (const TacticRun& run : RunProviderTactics(t, provider, math)) {
    if (run.name.find(name_filter) == std::string::npos || run.refused) continue;
    ++checked;
    SCOPED_TRACE("tactic " + run.name);
    if (!run.status.ok()) {
      ADD_FAILURE() << run.status.message();
      continue;
    }
    if (run.outputs.size() != ref.size()) {
      ADD_FAILURE() << run.outputs.size() << " outputs, the reference has " << ref.size();
      continue;
    }
    for (size_t i = 0; i < ref.size(); ++i) {
      EXPECT_EQ(run.outputs[i].sizes(), ref[i].sizes());
      bool nan = false;
      for (int64_t k = 0; k < run.outputs[i].numel() && !nan; ++k) {
        const double a = run.outputs[i].ElementAsDouble(k), e = ref[i].ElementAsDouble(k);
        nan = std::isnan(a) && !std::isnan(e);
      }
      EXPECT_FALSE(nan) << "output " << i << " has NaN where the reference has none (unwritten element?)";
      const Closeness c = Compare(run.outputs[i], ref[i]);
      EXPECT_LE(c.relative(), rel_tol) << "output " << i << ": max abs error " << c.max_abs_error
                                       << " over max |ref| " << c.max_ref_magnitude;
    }
  }
  return checked;
}

}  // namespace mrt::testing
