"""A YOLOv8-style detector in plain PyTorch (the Ultralytics v8 architecture, written from its
published structure): Conv-BN-SiLU blocks, C2f, SPPF, a PAN neck with nearest upsampling, and the
anchor-free decoupled Detect head with DFL box decoding, exported end to end so the ONNX graph
holds the same Split/Concat/Reshape/Softmax/Sigmoid tail as a real `yolo export`.

YOLOv8n is width 0.25, depth 0.33 (max channels 1024) at 640x640: 80 classes, output [B, 84, 8400].
"""
import math

import torch
from torch import nn


def scaled_channels(c, width, max_channels=1024):
    return int(math.ceil(min(c, max_channels) * width / 8) * 8)


def scaled_depth(n, depth):
    return max(round(n * depth), 1) if n > 1 else n


class Conv(nn.Module):
    """Conv2d (no bias) + BatchNorm + SiLU."""

    def __init__(self, c1, c2, k=1, s=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c2, eps=1e-3, momentum=0.03)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c1, c2, shortcut=True):
        super().__init__()
        self.cv1 = Conv(c1, c2, 3)
        self.cv2 = Conv(c2, c2, 3)
        self.add = shortcut and c1 == c2

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    """CSP bottleneck with two convolutions: split, n bottlenecks on the second half, concat all."""

    def __init__(self, c1, c2, n=1, shortcut=False):
        super().__init__()
        self.c = c2 // 2
        self.cv1 = Conv(c1, 2 * self.c, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, self.c, shortcut) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).split((self.c, self.c), 1))
        y.extend(m(y[-1]) for m in self.m)
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    def __init__(self, c1, c2, k=5):
        super().__init__()
        c_ = c1 // 2
        self.cv1 = Conv(c1, c_, 1)
        self.cv2 = Conv(c_ * 4, c2, 1)
        self.m = nn.MaxPool2d(k, 1, k // 2)

    def forward(self, x):
        y = [self.cv1(x)]
        y.extend(self.m(y[-1]) for _ in range(3))
        return self.cv2(torch.cat(y, 1))


class DFL(nn.Module):
    """Distribution focal loss decoding: expected value of a softmax over reg_max bins."""

    def __init__(self, c1=16):
        super().__init__()
        self.conv = nn.Conv2d(c1, 1, 1, bias=False).requires_grad_(False)
        self.conv.weight.data[:] = torch.arange(c1, dtype=torch.float).view(1, c1, 1, 1)
        self.c1 = c1

    def forward(self, x):
        b, _, a = x.shape
        return self.conv(x.view(b, 4, self.c1, a).transpose(2, 1).softmax(1)).view(b, 4, a)


def make_anchors(feats, strides, offset=0.5):
    points, stride_list = [], []
    for x, stride in zip(feats, strides):
        _, _, h, w = x.shape
        sx = torch.arange(end=w, dtype=x.dtype, device=x.device) + offset
        sy = torch.arange(end=h, dtype=x.dtype, device=x.device) + offset
        sy, sx = torch.meshgrid(sy, sx, indexing="ij")
        points.append(torch.stack((sx, sy), -1).view(-1, 2))
        stride_list.append(torch.full((h * w, 1), stride, dtype=x.dtype, device=x.device))
    return torch.cat(points), torch.cat(stride_list)


class Detect(nn.Module):
    def __init__(self, nc, ch, strides=(8, 16, 32), reg_max=16):
        super().__init__()
        self.nc, self.reg_max, self.strides = nc, reg_max, strides
        self.no = nc + 4 * reg_max
        c2, c3 = max(16, ch[0] // 4, reg_max * 4), max(ch[0], min(nc, 100))
        self.cv2 = nn.ModuleList(nn.Sequential(Conv(x, c2, 3), Conv(c2, c2, 3), nn.Conv2d(c2, 4 * reg_max, 1)) for x in ch)
        self.cv3 = nn.ModuleList(nn.Sequential(Conv(x, c3, 3), Conv(c3, c3, 3), nn.Conv2d(c3, nc, 1)) for x in ch)
        self.dfl = DFL(reg_max)

    def forward(self, xs):
        xs = [torch.cat((self.cv2[i](x), self.cv3[i](x)), 1) for i, x in enumerate(xs)]
        b = xs[0].shape[0]
        x_cat = torch.cat([x.view(b, self.no, -1) for x in xs], 2)
        anchors, strides = (t.transpose(0, 1) for t in make_anchors(xs, self.strides))
        box, cls = x_cat.split((4 * self.reg_max, self.nc), 1)
        lt, rb = self.dfl(box).chunk(2, 1)
        x1y1, x2y2 = anchors.unsqueeze(0) - lt, anchors.unsqueeze(0) + rb
        dbox = torch.cat(((x1y1 + x2y2) / 2, x2y2 - x1y1), 1) * strides
        return torch.cat((dbox, cls.sigmoid()), 1)


class YOLOv8(nn.Module):
    def __init__(self, width=0.25, depth=0.33, num_classes=80):
        super().__init__()
        c = lambda n: scaled_channels(n, width)  # noqa: E731
        d = lambda n: scaled_depth(n, depth)  # noqa: E731
        self.stem = nn.Sequential(Conv(3, c(64), 3, 2), Conv(c(64), c(128), 3, 2), C2f(c(128), c(128), d(3), True))
        self.p3 = nn.Sequential(Conv(c(128), c(256), 3, 2), C2f(c(256), c(256), d(6), True))
        self.p4 = nn.Sequential(Conv(c(256), c(512), 3, 2), C2f(c(512), c(512), d(6), True))
        self.p5 = nn.Sequential(Conv(c(512), c(1024), 3, 2), C2f(c(1024), c(1024), d(3), True),
                                SPPF(c(1024), c(1024), 5))
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.top_down4 = C2f(c(1024) + c(512), c(512), d(3))
        self.top_down3 = C2f(c(512) + c(256), c(256), d(3))
        self.down3 = Conv(c(256), c(256), 3, 2)
        self.bottom_up4 = C2f(c(256) + c(512), c(512), d(3))
        self.down4 = Conv(c(512), c(512), 3, 2)
        self.bottom_up5 = C2f(c(512) + c(1024), c(1024), d(3))
        self.detect = Detect(num_classes, (c(256), c(512), c(1024)))

    def forward(self, x):
        p3 = self.p3(self.stem(x))
        p4 = self.p4(p3)
        p5 = self.p5(p4)
        n4 = self.top_down4(torch.cat((self.up(p5), p4), 1))
        n3 = self.top_down3(torch.cat((self.up(n4), p3), 1))
        m4 = self.bottom_up4(torch.cat((self.down3(n3), n4), 1))
        m5 = self.bottom_up5(torch.cat((self.down4(m4), p5), 1))
        return self.detect([n3, m4, m5])
