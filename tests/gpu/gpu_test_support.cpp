#include "tests/gpu/gpu_test_support.h"

#include <cmath>
#include <cstring>
#include <iostream>

#include "ir/infer_shapes.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/device_buffer.h"
#include "kernels/gpu/gpu_resources.h"

namespace mrt::testing {

namespace {

// Runs every offered tactic once (outputs fresh or, with `alias` >= 0, over that input) and
// downloads its outputs.
std::vector<TacticRun> RunTactics(const OpUnderTest& t, gpu::TacticProvider provider, gpu::MathOptions math,
                                  int alias) {
  std::vector<TacticRun> runs;
  auto session = OpenTacticSession(t, provider, math);
  if (!session.ok()) {
    ADD_FAILURE() << session.status().message();
    return runs;
  }
  const TacticSession& s = **session;
  if (alias >= 0 &&
      (static_cast<size_t>(alias) >= t.inputs.size() || s.desc.outputs.empty() ||
       s.desc.outputs[0].sizes != t.inputs[alias].sizes() || s.desc.outputs[0].dtype != t.inputs[alias].dtype())) {
    ADD_FAILURE() << "input " << alias << " must have the output's shape and dtype to be overwritten by it";
    return runs;
  }
  for (auto& tactic : s.tactics) {
    TacticRun run;
    run.name = tactic->name();
    run.family = tactic->family();
    auto out = [&]() -> Expected<std::vector<Tensor>> {
      MRT_ASSIGN_OR_RETURN(PreparedLaunch launch, PrepareLaunch(*tactic, s, t.inputs, alias));
      MRT_RETURN_IF_ERROR(tactic->Launch(launch.Args(s)));
      MRT_CUDA_TRY(cudaStreamSynchronize(s.stream));
      std::vector<Tensor> result;
      for (const TensorView& o : launch.outputs) {
        Tensor host(o.dtype, o.sizes);
        if (host.nbytes()) MRT_CUDA_TRY(cudaMemcpy(host.raw(), o.data, host.nbytes(), cudaMemcpyDeviceToHost));
        result.push_back(std::move(host));
      }
      return result;
    }();
    if (out.ok()) {
      run.outputs = std::move(*out);
    } else {
      run.status = out.status();
      run.refused = out.status().refused();
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace

Expected<Graph> BuildOpGraph(const OpUnderTest& t) {
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

TacticSession::~TacticSession() {
  if (stream) cudaStreamDestroy(stream);
}

Expected<std::vector<std::string>> OfferedTacticNames(const OpUnderTest& t, gpu::TacticProvider provider,
                                                      gpu::MathOptions math) {
  MRT_ASSIGN_OR_RETURN(Graph graph, BuildOpGraph(t));
  MRT_ASSIGN_OR_RETURN(gpu::NodeDesc desc, gpu::MakeNodeDesc(graph, graph.node(0), math));
  gpu::TacticList tactics;
  provider(desc, tactics);
  std::vector<std::string> names;
  for (const auto& tactic : tactics) names.push_back(tactic->name());
  return names;
}

Expected<std::unique_ptr<TacticSession>> OpenTacticSession(const OpUnderTest& t, gpu::TacticProvider provider,
                                                           gpu::MathOptions math) {
  auto session = std::make_unique<TacticSession>();
  auto graph = BuildOpGraph(t);
  if (!graph.ok()) return Status::Error("building the test graph: " + graph.status().message());
  session->graph = std::move(*graph);
  MRT_ASSIGN_OR_RETURN(session->desc, gpu::MakeNodeDesc(session->graph, session->graph.node(0), math));
  provider(session->desc, session->tactics);
  MRT_ASSIGN_OR_RETURN(session->resources, gpu::GpuResources::Create());
  MRT_CUDA_TRY(cudaStreamCreate(&session->stream));
  return session;
}

Expected<PreparedLaunch> PrepareLaunch(gpu::Tactic& tactic, const TacticSession& session,
                                       const std::vector<Tensor>& host_inputs, int alias) {
  PreparedLaunch launch;
  auto upload = [&](const Tensor& host, const char* what) -> Expected<TensorView> {
    MRT_ASSIGN_OR_RETURN(gpu::DeviceBuffer b, gpu::DeviceBuffer::Allocate(host.nbytes(), what));
    if (host.nbytes()) MRT_CUDA_TRY(cudaMemcpy(b.get(), host.raw(), host.nbytes(), cudaMemcpyHostToDevice));
    TensorView v{host.dtype(), host.sizes(), b.get()};
    launch.buffers.push_back(std::move(b));
    return v;
  };
  // Inputs: packed weights replace their input; everything else is uploaded as is.
  const gpu::NodeDesc& desc = session.desc;
  const std::vector<gpu::PackedWeight> packed = tactic.PackWeights(desc);
  launch.inputs.resize(desc.inputs.size());
  for (size_t i = 0; i < desc.inputs.size(); ++i) {
    if (!desc.inputs[i].present()) continue;
    const Tensor* host = &host_inputs[i];
    for (const auto& pw : packed)
      if (pw.input_index == static_cast<int>(i)) host = &pw.packed;
    MRT_ASSIGN_OR_RETURN(launch.inputs[i], upload(*host, host == &host_inputs[i] ? "input" : "packed weight"));
  }
  if (alias >= 0) {
    launch.outputs.push_back(launch.inputs[alias]);
  } else {
    for (const auto& o : desc.outputs) {
      Tensor poison(o.dtype, o.sizes);
      std::memset(poison.raw(), 0xFF, poison.nbytes());
      MRT_ASSIGN_OR_RETURN(TensorView v, upload(poison, "output"));
      launch.outputs.push_back(v);
    }
  }
  MRT_RETURN_IF_ERROR(tactic.Setup(*session.resources).WithContext("setup: "));
  MRT_ASSIGN_OR_RETURN(launch.workspace, gpu::DeviceBuffer::Allocate(tactic.WorkspaceBytes(), "workspace"));
  MRT_RETURN_IF_ERROR(session.resources->BindStream(session.stream));
  return launch;
}

std::vector<TacticRun> RunProviderTactics(const OpUnderTest& t, gpu::TacticProvider provider, gpu::MathOptions math) {
  return RunTactics(t, provider, math, -1);
}

std::vector<TacticRun> RunProviderTacticsInPlace(const OpUnderTest& t, gpu::TacticProvider provider, int alias,
                                                 gpu::MathOptions math) {
  return RunTactics(t, provider, math, alias);
}

std::vector<Tensor> ReferenceOutputs(const OpUnderTest& t) { return RunAll(t.op, t.inputs, t.attrs, t.num_outputs); }

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
      EXPECT_LE(c.relative(), rel_tol) << "output " << i << ": max abs error " << c.max_abs_error << " over max |ref| "
                                       << c.max_ref_magnitude;
    }
  }
  return checked;
}

int ExpectInPlaceMatchesReference(const OpUnderTest& t, gpu::TacticProvider provider, int alias, double rel_tol,
                                  gpu::MathOptions math) {
  const std::vector<Tensor> ref = ReferenceOutputs(t);
  int ran = 0;
  for (const TacticRun& run : RunProviderTacticsInPlace(t, provider, alias, math)) {
    ++ran;
    SCOPED_TRACE("tactic " + run.name + " in place over input " + std::to_string(alias));
    if (!run.status.ok() || run.outputs.empty() || ref.empty()) {
      ADD_FAILURE() << run.status.message();
      continue;
    }
    EXPECT_LE(Compare(run.outputs[0], ref[0]).relative(), rel_tol);
  }
  return ran;
}

void PrintTacticOutcomes(const LabelledOps& labelled_ops, gpu::TacticProvider provider) {
  for (const auto& [label, t] : labelled_ops) {
    for (const TacticRun& run : RunProviderTactics(t, provider)) {
      std::cout << "[" << label << "] " << run.name << ": "
                << (run.status.ok() ? "ok" : (run.refused ? "refused: " : "FAILED: ") + run.status.message()) << "\n";
    }
  }
}

}  // namespace mrt::testing
