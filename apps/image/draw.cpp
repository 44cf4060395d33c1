// Rectangles, lines and polygons on 8-bit images, clipped to the image.
#include "apps/image/draw.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace mrt::apps {

namespace {

void PutPixel(Image& image, int x, int y, Color color) {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  uint8_t* p = image.at(x, y);
  if (image.channels < 3) {
    p[0] = static_cast<uint8_t>((77 * color[0] + 150 * color[1] + 29 * color[2] + 128) >> 8);
  } else {
    p[0] = color[0], p[1] = color[1], p[2] = color[2];
  }
}

}  // namespace

Color PaletteColor(int i) {
  static const Color kPalette[20] = {{255, 56, 56},  {255, 157, 151}, {255, 112, 31}, {255, 178, 29},  {207, 210, 49},
                                     {72, 249, 10},  {146, 204, 23},  {61, 219, 134}, {26, 147, 52},   {0, 212, 187},
                                     {44, 153, 168}, {0, 194, 255},   {52, 69, 147},  {100, 115, 255}, {0, 24, 236},
                                     {132, 56, 255}, {82, 0, 133},    {203, 56, 255}, {255, 149, 200}, {255, 55, 199}};
  return kPalette[((i % 20) + 20) % 20];
}

void FillRect(Image& image, int x0, int y0, int x1, int y1, Color color) {
  const int xa = std::max(std::min(x0, x1), 0), xb = std::min(std::max(x0, x1), image.width - 1);
  const int ya = std::max(std::min(y0, y1), 0), yb = std::min(std::max(y0, y1), image.height - 1);
  for (int y = ya; y <= yb; ++y)
    for (int x = xa; x <= xb; ++x) PutPixel(image, x, y, color);
}

void DrawRect(Image& image, int x0, int y0, int x1, int y1, Color color, int thickness) {
  const int t = std::max(thickness, 1) - 1;
  FillRect(image, x0, y0, x1, y0 + t, color);
  FillRect(image, x0, y1 - t, x1, y1, color);
  FillRect(image, x0, y0, x0 + t, y1, color);
  FillRect(image, x1 - t, y0, x1, y1, color);
}

// Bresenham from a to b; each step paints a thickness x thickness square centred on the pixel.
void DrawLine(Image& image, Point a, Point b, Color color, int thickness) {
  int x = static_cast<int>(std::lround(a.x)), y = static_cast<int>(std::lround(a.y));
  const int xe = static_cast<int>(std::lround(b.x)), ye = static_cast<int>(std::lround(b.y));
  const int dx = std::abs(xe - x), dy = -std::abs(ye - y), sx = x < xe ? 1 : -1, sy = y < ye ? 1 : -1;
  const int lo = -(std::max(thickness, 1) - 1) / 2, hi = lo + std::max(thickness, 1) - 1;
  for (int err = dx + dy;;) {
    FillRect(image, x + lo, y + lo, x + hi, y + hi, color);
    if (x == xe && y == ye) break;
    const int e2 = 2 * err;
    if (e2 >= dy) err += dy, x += sx;
    if (e2 <= dx) err += dx, y += sy;
  }
}

void DrawPolygon(Image& image, const std::vector<Point>& points, Color color, int thickness) {
  for (size_t i = 0; i < points.size(); ++i)
    DrawLine(image, points[i], points[(i + 1) % points.size()], color, thickness);
}

}  // namespace mrt::apps
