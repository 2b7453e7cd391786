#include "results/cell_record.h"

#include "console/oom_kill.h"
#include "predict/prediction.h"

namespace kmx::results {

namespace {

nlohmann::json victims_json(const std::vector<outcome::Victim>& victims) {
  nlohmann::json out = nlohmann::json::array();
  for (const outcome::Victim& v : victims) {
    nlohmann::json j = {
        {"pid", v.pid},
        {"comm", v.comm},
        {"score", v.score ? nlohmann::json(*v.score) : nlohmann::json(nullptr)},
        {"uid", v.uid},
        {"role", outcome::to_string(v.role)},
        {"workload_child", v.workload_child()},
        {"constraint", console::to_string(v.constraint)},
    };
    if (v.chosen_pid != v.pid) j["chosen"] = {{"pid", v.chosen_pid}, {"comm", v.chosen_comm}};
    out.push_back(std::move(j));
  }
  return out;
}

template <typename T>
nlohmann::json optional_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json agent_json(const CellRecordInput& in) {
  const std::optional<agent::Heartbeat>& hb = in.last_heartbeat;
  nlohmann::json j = {{"peak_usage", in.peak_usage}, {"rejected_lines", in.rejected_agent_lines}};
  if (!in.final.wlparent.empty()) j.update({{"wlparent", in.final.wlparent}, {"ctinit", in.final.ctinit}});
  if (!hb) return j;
  j.update({
      {"started", hb->started},
      {"finished", hb->finished},
      {"killed", hb->killed},
      {"live", hb->live},
      {"usage", hb->usage},
      {"failcnt", hb->failcnt},
      {"under_oom", hb->under_oom},
      {"oom_kills", hb->oom_kills},
      {"cpu_ticks", {{"user", hb->cpu_user}, {"sys", hb->cpu_sys}, {"idle", hb->cpu_idle}}},
  });
  // The final report is newer than the last heartbeat.
  if (const std::optional<int64_t> live = in.final.live()) {
    j["started"] = *in.final.started;
    j["finished"] = *in.final.finished;
    j["killed"] = *in.final.killed;
    j["live"] = *live;
  }
  return j;
}

}  // namespace

nlohmann::json cell_record(const CellRecordInput& in) {
  const CellTimings& t = in.timings;
  const auto text_or_null = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  nlohmann::json j = {
      {"cell_id", matrix::cell_id(in.cell)},
      {"repeat", in.repeat},
      {"name", in.cell.name},
      {"expect", in.cell.expect.empty() ? nlohmann::json(nullptr) : nlohmann::json(in.cell.expect)},
      {"kernel",
       {{"spec", in.kernel.spec},
        {"release", in.kernel.release},
        {"guest_release", in.guest_kernel},
        {"version", in.kernel.version_string},
        {"sha256", in.kernel.sha256}}},
      {"accel", in.accel},
      {"parameters", matrix::parameters_json(in.cell)},
      {"outcome", outcome::to_string(in.verdict.outcome)},
      {"victims", victims_json(in.verdict.victims)},
      {"flags", in.verdict.flags},
      {"detail", in.verdict.detail},
      {"boot",
       {{"restored", !in.snapshot.empty()},
        {"snapshot", text_or_null(in.snapshot)},
        {"fallback", text_or_null(in.snapshot_fallback)}}},
      {"timings",
       {{"cell_ms", t.cell_ms},
        {"restore_ms", optional_json(t.restore_ms)},
        {"start_ms", optional_json(t.start_ms)},
        {"boot_ms", optional_json(t.boot_ms)},
        {"overhead_ms", optional_json(t.overhead_ms)},
        {"workload_ms", optional_json(t.workload_ms)},
        {"verdict_ms", t.verdict_ms},
        {"longest_stall_ms", t.longest_stall_ms}}},
      {"host_memory", {{"charged", in.memory_charged}, {"private_peak", optional_json(in.private_peak)}}},
      {"agent", agent_json(in)},
      {"oom_scores", in.oom_scores},
      // What the model said before the boot, for `report` and `predict --check`.
      {"prediction", predict::to_json(predict::predict(in.cell, predict::oom_rules_of(in.kernel.release)))},
      {"evidence", in.evidence.generic_string()},
  };
  // The libvirt host that ran the cell; none for this machine's own QEMU.
  if (!in.host.empty()) j["host"] = in.host;
  return j;
}

}  // namespace kmx::results
