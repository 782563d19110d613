// `nchip sweep --report DIR` and DIR/report.txt: for each task, the smallest widths (per width
// axis, per setting of the other axes) whose final metric stays within 10 % of the float reference.
// Read from DIR/sweep.json alone, so a report can be made of any finished (or partial) sweep.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace nchip::runtime::sweep {

// "Within 10 % of float": mean final metric (over seeds) <= (1 + kReportTolerance) x reference.
// Every metric of the tasks (NMSE, recall error rate) is lower-is-better.
inline constexpr double kReportTolerance = 0.10;

// The report of a sweep.json document (write_tables' format: "axes", "points" with "axes",
// "settings", "metric", "final_metric", optional "reference"). `where` names the sweep in the
// header and in errors (InputError when the document is not a sweep table).
std::string sweep_report(const nlohmann::json& sweep_doc, const std::string& where);

// Reads DIR/sweep.json (InputError naming it when missing or malformed) and reports it.
std::string sweep_report_of_dir(const std::string& dir);

}  // namespace nchip::runtime::sweep
