#include "console/event_json.h"

namespace kmx::console {

namespace {

using nlohmann::json;

template <typename T>
void put(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}
void put(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void put_known(json& j, const char* key, int64_t v) {
  if (v >= 0) j[key] = v;
}

json frame_json(const std::optional<StackFrame>& frame) {
  if (!frame) return nullptr;
  json j = {{"function", frame->function}};
  put(j, "module", frame->module);
  if (!frame->reliable) j["guessed"] = true;
  return j;
}

json kill_json(const OomKill& k) {
  json j = {{"pid", k.pid}, {"comm", k.comm}, {"constraint", to_string(k.constraint)}};
  put_known(j, "uid", k.uid);
  put_known(j, "anon_rss_kb", k.anon_rss_kb);
  if (k.score) {
    j["chosen"] = {{"pid", k.chosen_pid}, {"comm", k.chosen_comm}, {"score", *k.score}};
    j["sacrificed_child"] = k.sacrificed;
  }
  return j;
}

json candidate_json(const OomCandidate& c) {
  json j = {{"pid", c.pid}, {"comm", c.comm}};
  put(j, "uid", c.uid);
  put(j, "tgid", c.tgid);
  put(j, "total_vm", c.total_vm);
  put(j, "rss", c.rss);
  put(j, "rss_anon", c.rss_anon);
  put(j, "rss_file", c.rss_file);
  put(j, "rss_shmem", c.rss_shmem);
  put(j, "nr_ptes", c.nr_ptes);
  put(j, "nr_pmds", c.nr_pmds);
  put(j, "pgtables_bytes", c.pgtables_bytes);
  put(j, "swapents", c.swapents);
  put(j, "cpu", c.cpu);
  put(j, "oom_adj", c.oom_adj);
  put(j, "oom_score_adj", c.oom_score_adj);
  return j;
}

json oom_json(const OomReport& r) {
  json j = {{"constraint", to_string(r.constraint)}};
  if (r.header) {
    json h = {{"comm", r.header->comm}, {"gfp_mask", r.header->gfp_mask}};
    put(h, "order", r.header->order);
    put(h, "oom_adj", r.header->oom_adj);
    put(h, "oom_score_adj", r.header->oom_score_adj);
    put(h, "pid", r.trigger_pid);
    j["trigger"] = std::move(h);
  }
  put(j, "task_memcg", r.task_memcg);
  put(j, "oom_memcg", r.oom_memcg);
  for (const MemcgCounter& c : r.memcg_counters)
    j["memcg"][c.name] = {{"usage_kb", c.usage_kb}, {"limit_kb", c.limit_kb}, {"failcnt", c.failcnt}};
  if (!r.candidates.empty()) {
    json& rows = j["candidates"] = json::array();
    for (const OomCandidate& c : r.candidates) rows.push_back(candidate_json(c));
  }
  if (r.candidates_dropped) j["candidates_dropped"] = r.candidates_dropped;
  if (r.choice) j["choice"] = {{"pid", r.choice->pid}, {"comm", r.choice->comm}, {"score", r.choice->score}};
  if (r.summary) {
    json s = {{"pid", r.summary->pid}, {"comm", r.summary->comm}, {"constraint", to_string(r.summary->constraint)}};
    put_known(s, "uid", r.summary->uid);
    j["summary"] = std::move(s);
  }
  j["killed"] = r.kill ? kill_json(*r.kill) : json(nullptr);
  return j;
}

json crash_json(const CrashReport& c) {
  json j = {{"title", c.title}};
  put(j, "comm", c.comm);
  put(j, "pid", c.pid);
  put(j, "cpu", c.cpu);
  put(j, "seconds", c.seconds);
  j["frame"] = frame_json(c.frame);
  return j;
}

json dump_json(const TaskDump& d) {
  json tasks = json::array();
  for (const DumpedTask& t : d.tasks) {
    json task = {{"comm", t.comm}, {"pid", t.pid}, {"state", std::string(1, t.state)}};
    put(task, "ppid", t.ppid);
    task["frame"] = frame_json(t.frame);
    task["top_frames"] = t.top_frames;
    tasks.push_back(std::move(task));
  }
  json j = {{"title", d.title}, {"tasks", std::move(tasks)}};
  if (d.tasks_dropped) j["tasks_dropped"] = d.tasks_dropped;
  return j;
}

}  // namespace

nlohmann::json to_json(const Event& e) {
  json j = {{"kind", to_string(e.kind)}};
  if (e.kernel_time) j["time"] = static_cast<double>(e.kernel_time->count()) / 1e6;
  put(j, "detail", e.detail);
  if (e.kill) j["kill"] = kill_json(*e.kill);
  if (e.oom) j["oom"] = oom_json(*e.oom);
  if (e.reaped) {
    j["reaped"] = {{"pid", e.reaped->pid}, {"comm", e.reaped->comm}};
    put_known(j["reaped"], "anon_rss_kb", e.reaped->anon_rss_kb);
  }
  if (e.crash) j["crash"] = crash_json(*e.crash);
  if (e.tasks) j["tasks"] = dump_json(*e.tasks);
  return j;
}

nlohmann::json totals_json(const ConsoleParser& parser) {
  return {{"oom_invocations", parser.oom_invocations()},
          {"oom_kills", parser.oom_kills().size()},
          {"panic", parser.panic() ? json(*parser.panic()) : json(nullptr)},
          {"truncated_lines", parser.truncated_lines()}};
}

nlohmann::json to_json(const ConsoleParser& parser, const std::vector<Event>& events) {
  json j = totals_json(parser);
  j["events"] = json::array();
  for (const Event& e : events) j["events"].push_back(to_json(e));
  return j;
}

}  // namespace kmx::console
