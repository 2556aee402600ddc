//===- ScheduleSvg.cpp - a schedule as a picture --------------------------===//
//
// Draws the simulated timeline like DeepSeek's DualPipe figure, as plain
// SVG (no script, no external style) so it opens in any browser.
//
//===----------------------------------------------------------------------===//

#include "dsc/Report/ScheduleReport.h"
#include "llvm/Support/Format.h"
#include <algorithm>
#include <cmath>
#include <cstring>

using namespace llvm;
using namespace dsc;

namespace {
constexpr double left = 64, right = 96, top = 58, rowHeight = 26,
                 blockHeight = 22, axisHeight = 28;

/// Light and dark fill per action kind (F, B, I, W) and the text on it.
struct Palette {
  const char *light, *dark;
};
constexpr Palette palette[] = {{"#f6b26b", "#b45f06"},  // F orange
                               {"#93c47d", "#38761d"},  // B green
                               {"#6fc7c7", "#13737a"},  // I teal
                               {"#b4a7d6", "#5b3f9e"}}; // W violet
constexpr const char *kindNames[] = {"F", "B", "I", "W"};

/// Whether an action is drawn dark: DualPipe's reverse direction, or the
/// odd model chunks of a rank holding several (DualPipeV, ZB-V, interleaved
/// 1F1B), so the two legs of a V can be told apart.
bool isDark(const ScheduledPipeline &schedule, const Action &action) {
  if (schedule.kind == ScheduleKind::dualpipe)
    return schedule.directionOf(action.microBatch) == 1;
  return (action.stage / schedule.numRanks()) % 2 == 1;
}

/// Tick spacing of 1, 2 or 5 times a power of ten, at least `minimum`.
double tickSpacing(double minimum) {
  double power = std::pow(10.0, std::floor(std::log10(minimum)));
  for (double step : {1.0, 2.0, 5.0, 10.0})
    if (step * power >= minimum)
      return step * power;
  return 10 * power;
}

class SvgWriter {
public:
  SvgWriter(const ScheduledPipeline &schedule, const SimulationResult &result,
            raw_ostream &os)
      : schedule(schedule), result(result), os(os) {}
  void write();

private:
  double x(double time) const { return left + time * scale; }
  void block(const Action &action, double x0, double x1, double y0,
             double height);
  void legend();
  void axis(double y);

  const ScheduledPipeline &schedule;
  const SimulationResult &result;
  raw_ostream &os;
  double scale = 20; // pixels per cost unit
};
} // namespace

void SvgWriter::block(const Action &action, double x0, double x1, double y0,
                      double height) {
  bool dark = isDark(schedule, action);
  const Palette &colours = palette[static_cast<int>(action.kind)];
  os << format("<rect class=\"act %s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
               "height=\"%.2f\" fill=\"%s\" stroke=\"#fff\" "
               "stroke-width=\"0.5\"><title>%s</title></rect>\n",
               kindNames[static_cast<int>(action.kind)], x0, y0, x1 - x0,
               height, dark ? colours.dark : colours.light,
               formatStep({action, std::nullopt}).c_str());
  std::string label = std::to_string(action.microBatch);
  double fontSize = height >= 16 ? 10 : 8;
  // Numbers only where they fit; the tooltip names every block.
  if (x1 - x0 >= 0.62 * fontSize * label.size() + 2)
    os << format("<text x=\"%.2f\" y=\"%.2f\" font-size=\"%g\" "
                 "text-anchor=\"middle\" fill=\"%s\">%s</text>\n",
                 (x0 + x1) / 2, y0 + height / 2 + fontSize * 0.35, fontSize,
                 dark ? "#fff" : "#000", label.c_str());
}

void SvgWriter::legend() {
  static const char *meanings[] = {"forward", "backward (full)",
                                   "backward for inputs",
                                   "backward for weights"};
  double lx = left;
  double y = 30;
  for (int kind = 0; kind < 4; ++kind) {
    os << format("<rect class=\"legend\" x=\"%.0f\" y=\"%.0f\" width=\"14\" "
                 "height=\"14\" fill=\"%s\"/><rect class=\"legend\" "
                 "x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"14\" "
                 "fill=\"%s\"/>\n",
                 lx, y, palette[kind].light, lx + 14, y, palette[kind].dark);
    os << format("<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">%s %s</text>\n",
                 lx + 32, y + 11, kindNames[kind], meanings[kind]);
    lx += 32 + 7 * (2 + std::strlen(meanings[kind])) + 12;
  }
  // A split swatch for overlapped pairs, then the meaning of the shades.
  os << format("<rect class=\"legend\" x=\"%.0f\" y=\"%.0f\" width=\"28\" "
               "height=\"7\" fill=\"%s\"/><rect class=\"legend\" x=\"%.0f\" "
               "y=\"%.0f\" width=\"28\" height=\"7\" fill=\"%s\"/><rect "
               "class=\"legend\" x=\"%.0f\" y=\"%.0f\" width=\"28\" "
               "height=\"14\" fill=\"none\" stroke=\"#222\"/>\n",
               lx, y, palette[0].light, lx, y + 7, palette[1].dark, lx, y);
  // Shades mean something only where a rank runs two directions or chunks.
  const char *dark = schedule.kind == ScheduleKind::dualpipe
                         ? "; dark: reverse-direction micro-batches"
                     : schedule.numRanks() < schedule.numStages
                         ? "; dark: a rank's odd model chunks"
                         : "";
  os << format("<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">F&amp;B "
               "overlapped pair%s</text>\n",
               lx + 34, y + 11, dark);
}

void SvgWriter::axis(double y) {
  double spacing = tickSpacing(48 / scale);
  os << format("<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
               "stroke=\"#444\"/>\n",
               x(0), y, x(result.stepTime), y);
  for (double t = 0; t <= result.stepTime + 1e-9; t += spacing)
    os << format("<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
                 "stroke=\"#444\"/><text x=\"%.2f\" y=\"%.2f\" "
                 "font-size=\"10\" text-anchor=\"middle\">%g</text>\n",
                 x(t), y, x(t), y + 4, x(t), y + 15, t);
  os << format("<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\">time (cost "
               "units)</text>\n",
               x(result.stepTime) + 8, y + 15);
}

void SvgWriter::write() {
  // Wide enough that the shortest action holds a two-digit number, but not
  // wider than a large screen can scroll through comfortably.
  double shortest = 0;
  for (const auto &row : result.timeline)
    for (const TimedStep &timed : row)
      if (timed.finish > timed.start &&
          (shortest == 0 || timed.finish - timed.start < shortest))
        shortest = timed.finish - timed.start;
  if (shortest > 0)
    scale = std::clamp(18 / shortest, 2.0, 60.0);
  if (result.stepTime * scale > 4000)
    scale = 4000 / result.stepTime;
  int64_t ranks = schedule.numRanks();
  double width = left + result.stepTime * scale + right;
  double height = top + ranks * rowHeight + axisHeight + 8;

  os << format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
               "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
               "font-family=\"sans-serif\">\n",
               std::max(width, 1100.0), height, std::max(width, 1100.0),
               height);
  os << format("<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
  double worst = 0;
  for (double bubble : result.bubble)
    worst = std::max(worst, bubble);
  os << format("<text x=\"%.0f\" y=\"18\" font-size=\"14\" "
               "font-weight=\"bold\">%s: %lld stages on %lld ranks, %lld "
               "micro-batches; step time %g, largest bubble %g</text>\n",
               left, scheduleKindName(schedule.kind).str().c_str(),
               (long long)schedule.numStages, (long long)ranks,
               (long long)schedule.numMicroBatches, result.stepTime, worst);
  legend();
  for (int64_t rank = 0; rank < ranks; ++rank) {
    double y = top + rank * rowHeight;
    os << format("<text x=\"%.0f\" y=\"%.2f\" font-size=\"11\" "
                 "text-anchor=\"end\">rank %lld</text>\n",
                 left - 6, y + blockHeight / 2 + 4, (long long)rank);
    for (const TimedStep &timed : result.timeline[rank]) {
      double x0 = x(timed.start), x1 = x(timed.finish);
      if (!timed.step.overlapped) {
        block(timed.step.first, x0, x1, y, blockHeight);
        continue;
      }
      // An overlapped pair: one block, its two passes on top of each other.
      block(timed.step.first, x0, x1, y, blockHeight / 2);
      block(*timed.step.overlapped, x0, x1, y + blockHeight / 2,
            blockHeight / 2);
      os << format("<rect class=\"pair\" x=\"%.2f\" y=\"%.2f\" "
                   "width=\"%.2f\" height=\"%.2f\" fill=\"none\" "
                   "stroke=\"#222\" stroke-width=\"1\"/>\n",
                   x0, y, x1 - x0, blockHeight);
    }
    os << format("<text x=\"%.2f\" y=\"%.2f\" font-size=\"11\">bubble "
                 "%g</text>\n",
                 x(result.stepTime) + 8, y + blockHeight / 2 + 4,
                 result.bubble[rank]);
  }
  axis(top + ranks * rowHeight + 2);
  os << "</svg>\n";
}

void dsc::writeScheduleSvg(const ScheduledPipeline &schedule,
                           const SimulationResult &result, raw_ostream &os) {
  SvgWriter(schedule, result, os).write();
}
