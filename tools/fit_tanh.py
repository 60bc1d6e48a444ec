#!/usr/bin/python3
"""Fits the rational tanh used by src/activation.c and reports its float error.

tanh(x) ~ x * P(x^2) / Q(x^2), P of degree 6 and Q of degree 3 in x^2, Q(0) = 1,
on [0, C].  Loeb's iteration turns the rational fit into weighted linear least
squares (divide by the previous denominator); a Lawson-style reweighting pushes
it towards equal ripple in the relative error.  The basis is Chebyshev in
v = x^2 / C^2 to keep the system well conditioned.  Needs numpy only.

    /usr/bin/python3 tools/fit_tanh.py
"""
import numpy as np
from numpy.polynomial import chebyshev as cheb, polynomial as poly

C = 9.1            # from |x| = 9.02 on, tanh rounds to 1.0f
NP, NQ = 6, 3      # degrees in x^2


def fit():
    u = np.cos(np.linspace(0, np.pi, 40001))
    x = (u + 1) * C / 2
    x = np.concatenate([x[x > 1e-3], np.geomspace(1e-7, 1e-3, 400)])
    t, v = np.tanh(x), (x * x) / (C * C)
    vp, vq = cheb.chebvander(2 * v - 1, NP), cheb.chebvander(2 * v - 1, NQ)
    q_prev, w = np.ones_like(x), np.ones_like(x)
    best, best_err = None, np.inf
    for _ in range(300):
        a = np.concatenate([x[:, None] * vp, -(t[:, None] * vq[:, 1:])], axis=1)
        weight = w / (t * q_prev)
        coef, *_ = np.linalg.lstsq(a * weight[:, None], t * vq[:, 0] * weight, rcond=None)
        p = vp @ coef[:NP + 1]
        q = vq @ np.concatenate([[1.0], coef[NP + 1:]])
        if q.min() <= 0:
            break
        err = np.abs((x * p / q - t) / t)
        if err.max() < best_err:
            best, best_err = coef, err.max()
        q_prev = q
        w = np.maximum(w * (err / err.max()) ** 0.25, 1e-12)
        w /= w.max()
    return best, best_err


def to_monomials(c):
    """Chebyshev series in z = 2 x^2 / C^2 - 1 to a power series in x^2."""
    z = poly.Polynomial([-1.0, 2.0 / (C * C)])
    out = poly.Polynomial([0.0])
    for k, a in enumerate(cheb.cheb2poly(c)):
        out = out + a * z ** k
    return out.coef


def float_error(pc, qc):
    p32, q32 = pc.astype(np.float32), qc.astype(np.float32)
    xs = np.concatenate([np.linspace(-12, 12, 2000001),
                         np.geomspace(1e-30, 1, 100000)]).astype(np.float32)
    x = np.clip(xs, -np.float32(C), np.float32(C))
    s = x * x
    p = p32[NP]
    for k in range(NP - 1, -1, -1):
        p = p * s + p32[k]
    q = q32[NQ]
    for k in range(NQ - 1, -1, -1):
        q = q * s + q32[k]
    y = np.clip(x * p / q, -1, 1)
    ref = np.tanh(xs.astype(np.float64))
    ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    e = np.abs(y - ref) / ulp
    return e.max(), e.mean()


if __name__ == "__main__":
    coef, err = fit()
    pc = to_monomials(coef[:NP + 1])
    qc = to_monomials(np.concatenate([[1.0], coef[NP + 1:]]))
    pc, qc = pc / qc[0], qc / qc[0]
    print("relative error of the fit: %.3g" % err)
    print("P (x^0 .. x^12):", ", ".join("%.9e" % np.float32(a) for a in pc))
    print("Q (x^0 .. x^6): ", ", ".join("%.9e" % np.float32(a) for a in qc))
    print("float evaluation: max %.2f ulp, mean %.3f ulp" % float_error(pc, qc))
