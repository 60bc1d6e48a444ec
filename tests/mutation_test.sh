#!/bin/sh
# Proves the tests can fail: applies one deliberate bug at a time (a flipped
# sign, a dropped factor) to a copy of the tree and requires the test suite
# to go red for each, built with ASan and UBSan.  Not part of `make check`
# (it rebuilds once per mutation, a few minutes in all); run it with
# `make mutation`.
set -u
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
survived=0
total=0

# file@original text@mutated text@what it breaks
mutations='src/nn/linear.c@dw + i0 * out, out, A2C__INIT_C,@dw + i0 * out, out, A2C__INIT_ZERO,@linear: dW overwritten, not accumulated
src/nn/linear.c@k->gemm(batch, in, out, dy, out, 1, wt, in, dx, in, A2C__INIT_ZERO, NULL);@k->gemm(batch, in, out, dy, out, 1, w, in, dx, in, A2C__INIT_ZERO, NULL);@linear: dx from W instead of W^T
src/nn/linear.c@for (size_t r = 0; r < batch && j1 > j0; r++)@for (size_t r = 1; r < batch && j1 > j0; r++)@linear: a row missing from db
src/nn/linear.c@dw[i * out + j] += scratch[j * in + i];@dw[i * out + j] += scratch[i * out + j];@linear: narrow dW transposed
src/kernels/kernels.c@d[k] *= 1.0f - h[k] * h[k];@d[k] *= 1.0f - h[k];@tanh: derivative
src/kernels/kernels.c@d[k] = h[k] > 0.0f ? d[k] : 0.0f;@d[k] = h[k] > 0.0f ? d[k] : d[k];@relu: gate dropped
src/policy/categorical.c@- we * pk * ((double)logp[k] + (double)h);@+ we * pk * ((double)logp[k] + (double)h);@entropy gradient sign
src/policy/categorical.c@((k == a ? 1.0 : 0.0) - pk)@((k == a ? 1.0 : 0.0) + pk)@log-prob gradient sign
src/algo/loss.c@g = 2.0 * e;@g = e;@MSE: factor 2 dropped
src/algo/loss.c@g = e > delta ? delta : (e < -delta ? -delta : e);@g = e > delta ? 1.0 : (e < -delta ? -1.0 : e);@Huber: delta dropped
src/algo/loss.c@adv_scale = 1.0 / (std + 1e-8);@adv_scale = 1.0 / (std * std + 1e-8);@advantage normalisation
src/algo/loss.c@-adv * inv_b, -c->ent_coef * inv_b,@adv * inv_b, -c->ent_coef * inv_b,@policy loss sign
src/algo/optimizer.c@const double coef = max_norm / (norm + 1e-6);@const double coef = max_norm / (norm * norm + 1e-6);@clipping coefficient
src/algo/optimizer.c@opt->schedule == A2C_SCHEDULE_LINEAR ? opt->lr * progress_remaining : opt->lr;@opt->lr;@linear schedule ignored
src/nn/net.c@for (size_t k = 0; k < rows * top->out; k++) d[k] += sum[k];@for (size_t k = 0; k < rows * top->out; k++) d[k] -= sum[k];@shared trunk: critic delta sign
src/nn/init.c@w[i * out + j] = (float)(gain * q);@w[i * out + j] = (float)q;@orthogonal init: gain dropped
src/common/rng.c@s[3] = rotl(s[3], 45);@s[3] = rotl(s[3], 44);@xoshiro256**: rotation
src/algo/rollout.c@next_non_terminal = 1.0f - episode_starts[k + n_envs];@next_non_terminal = 1.0f;@GAE: episode mask dropped
src/algo/trainer.c@if (truncated[i] && !terminated[i]) {@if (truncated[i]) {@bootstrap of a terminated step
src/algo/trainer.c@+= g * tr->trunc_values[k];@+= tr->trunc_values[k];@bootstrap: gamma dropped
src/algo/rollout.c@rewards[envs[k]] += gamma * values[k];@rewards[envs[k]] += values[k];@bootstrap on the critic thread: gamma dropped
src/algo/trainer.c@tr->trunc_state = TRUNC_NONE; /* none left unless@(void)0; /* none left unless@bootstrap of an abandoned rollout kept
src/algo/trainer.c@memcpy(tr->episode_starts, tr->dones_f, n * sizeof(float));@memset(tr->episode_starts, 0, n * sizeof(float));@episode starts lost
src/io/checkpoint.c@if (a2c__get_u32(&t) != a2c__crc32(0, p, size - TRAILER_BYTES))@if (a2c__get_u32(&t) != a2c__get_u32(&t))@checkpoint: checksum ignored
src/common/codec.c@if (r->bad || n > r->left) {@if (r->bad) {@checkpoint: length unchecked
src/algo/eval.c@b->target[i] = (n_episodes + i) / n;@b->target[i] = n_episodes / n + 1;@evaluation: SB3 episode split
src/kernels/kernels.c@p[k] + neg_lr * (gk / (sqrtf(vk) + eps));@p[k] + neg_lr * (gk / sqrtf(vk + eps));@RMSprop: eps inside the root
src/algo/optimizer.c@(float)(1.0 - opt->beta2), (float)(-lr / bc1)@(float)(1.0 - opt->beta2), (float)(-lr)@Adam: bias correction dropped
src/policy/gaussian.c@dmean[k] = (float)(w_logp * diff / var);@dmean[k] = (float)(-w_logp * diff / var);@Gaussian: mean gradient sign
src/policy/gaussian.c@= w_logp * (diff * diff / var - 1.0) + w_entropy;@= w_logp * (diff * diff / var - 1.0);@Gaussian: entropy gradient of log_std dropped
src/policy/gaussian.c@(z * z) * (s * s) / var);@(z * z) * (s * s) / sigma);@gSDE: log_std gradient scale
src/common/rms.c@ + delta * delta * count * n / (count + n);@;@RunningMeanStd: between-batch variance dropped
src/algo/trainer.c@if (done) tr->returns[i] = 0.0;@(void)done;@VecNormalize: return not reset at episode end
src/algo/trainer.c@        sum += expm1(log_ratio) - log_ratio;@        sum += log_ratio;@health: approx_kl estimator
src/algo/trainer.c@    tr->lr_scale *= tr->lr_factor;@    tr->lr_scale *= 1.0;@guard: learning rate not lowered
src/algo/trainer.c@    if (prior && tr->can_undo) a2c__optimizer_undo_step@    if (0) a2c__optimizer_undo_step@guard: the bad parameters kept
src/algo/monitor.c@        if (m->held[code - 1] < HOLD) continue;@        if (m->held[code - 1] < 1) continue;@monitor: no persistence
src/nn/net.c@hit += net->k->count_beyond(h, batch * out, 0.99f);@hit += net->k->count_beyond(h, batch * out, 0.9f);@health: tanh saturation threshold
src/algo/trainer.c@    if (r.end > r.begin) s->ranges[s->n++] = r;@    if (r.end > r.begin && s->n < 1) s->ranges[s->n++] = r;@optimizer and norm: the heads skipped
src/algo/trainer.c@j.scale = coef < 1.0 ? (float)coef : 1.0f;@j.scale = 1.0f;@trainer: clipping not applied
src/envs/vecenv.c@(limit && ve->ep_length[i] >= limit) ||@(0 && ve->ep_length[i] >= limit) ||@vec-env: TimeLimit ignored
src/envs/vecenv.c@if (env->action_high && a > env->action_high[k]) a = env->action_high[k];@if (env->action_high && a < env->action_high[k]) a = env->action_high[k];@vec-env: BOX upper bound
src/io/checkpoint.c@memcpy(s->progress + head, progress_tail, tail);@memcpy(s->progress + head, progress_head, tail);@version 1: progress parts joined wrong
src/nn/net.c@if (implied == 0 || n_params != implied || n_params > r->left / 4) return A2C_E_FORMAT;@if (implied == 0) return A2C_E_FORMAT;@loading: claimed sizes not checked before allocating
src/algo/optimizer.c@if (out->steps > MAX_STEPS) r->bad = 1;@(void)0;@loading: optimizer step count unchecked
src/kernels/kernels.c@bad |= !(pk - pk == 0.0f) | !(vk - vk == 0.0f);@(void)pk;@RMSprop: divergence not noticed
src/algo/trainer.c@if (tr->learning)@if (0 && tr->learning)@trainer: re-entry not refused
src/common/vector.c@if (part >= parts) return n;@if (part >= parts) return n - (parts > 1 && n > 0);@threads: a split loses its last item
src/algo/trainer.c@a2c__net_invalidate(net); /* the parameters move now@(void)0; /* the parameters move now@trainer: head copies kept across the optimizer step
src/algo/trainer.c@st->value_loss_jump = jump;@(void)jump;@reducer: the mean loss jump over the workers ignored
src/algo/pool.c@if (parts > 1) a2c__pool_join(p);@(void)0;@pool: critic rows on the helper overwritten by the next task'

echo "$mutations" | while IFS='@' read -r file from to what; do
    total=$((total + 1))
    rm -rf "$tmp/tree"
    mkdir -p "$tmp/tree"
    cp -r "$root/Makefile" "$root/sources.mk" "$root/include" "$root/src" "$root/tests" "$tmp/tree/"
    count=$(grep -cF -- "$from" "$tmp/tree/$file")
    if [ "$count" != 1 ]; then
        echo "mutation: '$what': pattern found $count times in $file (fix the script)"
        echo "x" >> "$tmp/survivors"
        continue
    fi
    F="$from" T="$to" perl -0pi -e 's/\Q$ENV{F}\E/$ENV{T}/' "$tmp/tree/$file"
    # built with ASan and UBSan, so memory-safety mutations fail too; a
    # test that hangs (a thread split gone wrong can) is stopped and fails
    if (cd "$tmp/tree" && make -s -j2 CFLAGS="-O1 -g" \
        EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
        EXTRA_LDFLAGS="-fsanitize=address,undefined" TEST_RUNNER="timeout 600" \
        run-tests >"$tmp/log" 2>&1); then
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
