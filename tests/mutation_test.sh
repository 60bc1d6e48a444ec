#!/bin/sh
# Proves the tests can fail: applies one deliberate bug at a time (a flipped
# sign, a dropped factor) to a copy of the tree and requires the test suite
# to go red for each.  Not part of `make check` (it rebuilds once per
# mutation, about a minute in all); run it with `make mutation`.
set -u
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
survived=0
total=0

# file|original text|mutated text|what it breaks
mutations='src/linear.c|acc[k] += xbi * dyb[k];|acc[k] -= xbi * dyb[k];|linear: sign of dW
src/linear.c|dxb[i] = dot_lanes(dyb, w + i * out, out);|dxb[i] = -dot_lanes(dyb, w + i * out, out);|linear: sign of dx
src/linear.c|for (size_t j = 0; j < out; j++) db[j] += dyb[j];|for (size_t j = 0; j < out; j++) db[j] += 0.5f * dyb[j];|linear: factor of db
src/activation.c|d[k] *= 1.0f - h[k] * h[k];|d[k] *= 1.0f - h[k];|tanh: derivative
src/activation.c|d[k] = h[k] > 0.0f ? d[k] : 0.0f;|d[k] = h[k] > 0.0f ? d[k] : d[k];|relu: gate dropped
src/categorical.c|- we * p * (lp + (double)h);|+ we * p * (lp + (double)h);|entropy gradient sign
src/categorical.c|((k == a ? 1.0 : 0.0) - p)|((k == a ? 1.0 : 0.0) + p)|log-prob gradient sign
src/loss.c|g = 2.0 * e;|g = e;|MSE: factor 2 dropped
src/loss.c|g = e > delta ? delta : (e < -delta ? -delta : e);|g = e > delta ? 1.0 : (e < -delta ? -1.0 : e);|Huber: delta dropped
src/loss.c|adv_scale = 1.0 / (std + 1e-8);|adv_scale = 1.0 / (std * std + 1e-8);|advantage normalisation
src/loss.c|a2c__categorical_backward_row(d, n, a, h, -adv * inv_b,|a2c__categorical_backward_row(d, n, a, h, adv * inv_b,|policy loss sign
src/optimizer.c|(g[k] / (sqrtf(v[k]) + eps))|(g[k] / sqrtf(v[k] + eps))|RMSprop: eps inside the root
src/optimizer.c|const float neg_step = (float)(-lr / bc1)|const float neg_step = (float)(-lr)|Adam: bias correction dropped
src/optimizer.c|const double coef = max_norm / (norm + 1e-6);|const double coef = max_norm / (norm * norm + 1e-6);|clipping coefficient
src/optimizer.c|return opt->schedule == A2C_SCHEDULE_LINEAR ? opt->lr * progress_remaining : opt->lr;|return opt->lr;|linear schedule ignored
src/net.c|for (size_t k = 0; k < m; k++) d0[k] += d1[k];|for (size_t k = 0; k < m; k++) d0[k] -= d1[k];|shared trunk: critic delta sign
src/init.c|w[i * out + j] = (float)(gain * q);|w[i * out + j] = (float)q;|orthogonal init: gain dropped
src/rng.c|s[3] = rotl(s[3], 45);|s[3] = rotl(s[3], 44);|xoshiro256**: rotation'

echo "$mutations" | while IFS='|' read -r file from to what; do
    total=$((total + 1))
    rm -rf "$tmp/tree"
    mkdir -p "$tmp/tree"
    cp -r "$root/Makefile" "$root/include" "$root/src" "$root/tests" "$tmp/tree/"
    count=$(grep -cF -- "$from" "$tmp/tree/$file")
    if [ "$count" != 1 ]; then
        echo "mutation: '$what': pattern found $count times in $file (fix the script)"
        echo "x" >> "$tmp/survivors"
        continue
    fi
    F="$from" T="$to" perl -0pi -e 's/\Q$ENV{F}\E/$ENV{T}/' "$tmp/tree/$file"
    if (cd "$tmp/tree" && make -s -j2 run-tests >"$tmp/log" 2>&1); then
        echo "mutation SURVIVED: $what ($file)"
        echo "x" >> "$tmp/survivors"
    else
        failed=$(grep -c 'FAILED' "$tmp/log")
        echo "mutation caught:  $what ($failed failing checks)"
    fi
done
n=$(echo "$mutations" | wc -l)
if [ -s "$tmp/survivors" ]; then
    echo "mutation: $(wc -l < "$tmp/survivors") of $n mutations survived"
    exit 1
fi
echo "mutation: all $n mutations caught"
