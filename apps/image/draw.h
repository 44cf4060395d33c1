// Drawing on images for the annotated outputs: rectangle outlines, filled rectangles and
// polygon outlines (Bresenham lines, thickness by offsetting). Everything is clipped to the
// image. Labels (stb_truetype with a Debian font) are not written yet.
#pragma once

#include <array>
#include <vector>

#include "apps/image/image.h"

namespace mrt::apps {

using Color = std::array<uint8_t, 3>;  // RGB; gray images get the luma, RGBA keeps alpha

struct Point {
  float x = 0, y = 0;
};

// A distinct color for index i (a fixed 20-color palette, cycled).
Color PaletteColor(int i);

void FillRect(Image& image, int x0, int y0, int x1, int y1, Color color);
void DrawRect(Image& image, int x0, int y0, int x1, int y1, Color color, int thickness = 2);
void DrawLine(Image& image, Point a, Point b, Color color, int thickness = 2);
void DrawPolygon(Image& image, const std::vector<Point>& points, Color color, int thickness = 2);

}  // namespace mrt::apps
