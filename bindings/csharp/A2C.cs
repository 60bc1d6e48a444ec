// A2C.cs -- C# binding of liba2c (Advantage Actor-Critic in C11).
//
// One file: drop it next to the native library (liba2c.so / a2c.dll /
// liba2c.dylib) in a Unity (Assets/Plugins) or Godot C# project, or compile
// it with `mcs`.  No unsafe code, no NuGet packages: only System and
// System.Runtime.InteropServices.
//
// Layers
//   A2C.Native        every function of include/a2c/a2c.h as a P/Invoke
//                     declaration, for anything the classes below leave out.
//   *Handle           SafeHandles that call the matching destroy/close.
//   Config, Net, Env, Trainer, PushTrainer, Optimizer, Rollout
//                     the object surface; failing calls throw A2CException.
//
// Callbacks and object lifetime
//   The library calls back into C# (environment reset/step, the training
//   callback).  A delegate handed to native code is invisible to the garbage
//   collector: if it is collected while the library still holds its function
//   pointer, the next call jumps into freed memory.  This file therefore
//   never passes a temporary delegate: the callbacks are static methods held
//   in static readonly fields (alive for the whole process, and usable by
//   Unity's IL2CPP, which needs [MonoPInvokeCallback] static methods), and
//   the object they act for is found through the table's `user` pointer, a
//   GCHandle owned by the trainer's SafeHandle and freed after the native
//   trainer is destroyed.  If you pass your own delegates to A2C.Native,
//   keep them in a field of an object that outlives every native call that
//   may use them.
//
// Exceptions in callbacks
//   An exception must never unwind through C frames.  Every trampoline
//   catches it, stores it, and returns nonzero (the library then fails with
//   A2C_E_ENV, or stops training); the C# method that started the native
//   call (Learn, PushTrainer.Step) then rethrows the original exception.
//
// Threads
//   As the C library: different objects may be used from different threads
//   at once, one object never from two.  The error message is per thread.
using System;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace A2C
{
    /// <summary>Status codes of liba2c (values are ABI).</summary>
    public enum Status
    {
        Ok = 0, InvalidArg = 1, NoMem = 2, NonFinite = 3, Format = 4, IO = 5, Env = 6, State = 7
    }

    /// <summary>Hyperparameters, numbered as in a2c.h (SB3 names in comments).</summary>
    public enum Param
    {
        LearningRate = 100, NSteps = 101, Gamma = 102, GaeLambda = 103, EntCoef = 104,
        VfCoef = 105, MaxGradNorm = 106, RmsPropEps = 107, UseRmsProp = 108,
        NormalizeAdvantage = 109, ActivationFn = 110, OrthoInit = 111, Seed = 112, NEnvs = 113,
        LrSchedule = 114, RmsPropAlpha = 115, AdamBeta1 = 116, AdamBeta2 = 117, AdamEps = 118,
        ValueLoss = 119, HuberDelta = 120, SharedTrunk = 121, MaxBatch = 122, NThreads = 123,
        NormObs = 124, NormReward = 125, ClipObs = 126, ClipReward = 127, EntSchedule = 128,
        UseSde = 129, SdeSampleFreq = 130, LogStdInit = 131,
        MaxRollbacks = 132, RollbackLrFactor = 133, RollbackLossJump = 134
    }

    public enum SpaceKind { Discrete = 0, Box = 1 }

    /// <summary>A failed liba2c call: the status, its enumerator name
    /// (a2c_status_name) and the library's message (a2c_last_error).</summary>
    public class A2CException : Exception
    {
        public Status Status { get; private set; }
        public string StatusName { get; private set; }
        public string Detail { get; private set; }

        public A2CException(Status status, string statusName, string detail)
            : base(statusName + ": " + detail)
        {
            Status = status;
            StatusName = statusName;
            Detail = detail;
        }

        /// <summary>Throws for any status other than A2C_OK.  Reads
        /// a2c_last_error at once, on the failing thread.</summary>
        public static void Check(int status)
        {
            if (status == 0) return;
            string name = Native.Str(Native.a2c_status_name(status));
            string msg = Native.Str(Native.a2c_last_error());
            if (string.IsNullOrEmpty(msg)) msg = Native.Str(Native.a2c_strerror(status));
            throw new A2CException((Status)status, name, msg);
        }
    }

    /// <summary>Unity's IL2CPP accepts only static methods marked with an
    /// attribute of this name as native callbacks; Mono and .NET ignore it.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class MonoPInvokeCallbackAttribute : Attribute
    {
        public MonoPInvokeCallbackAttribute(Type t) { }
    }

    // ------------------------------------------------------------------
    // Blittable mirrors of the public structs
    // ------------------------------------------------------------------

    /// <summary>Mirror of a2c_env, version 3 layout.  Callbacks are function
    /// pointers (IntPtr) so the struct stays blittable; pointers to bound
    /// arrays must stay valid while the library reads them.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct EnvTable
    {
        public const uint V1 = 1, V2 = 2, V3 = 3;
        public const uint ConcurrentStep = 1; // flags: A2C_ENV_CONCURRENT_STEP
        public uint version;
        public uint num_envs;
        public uint obs_dim;
        public int action_kind;
        public uint action_dim;
        public uint max_episode_steps;
        public IntPtr obs_low, obs_high;
        public IntPtr action_low, action_high;
        public IntPtr user;
        public IntPtr reset;     // Native.EnvReset
        public IntPtr step;      // Native.EnvStep
        public IntPtr step_all;  // Native.EnvStepAll
        public IntPtr close;     // Native.EnvClose
        // version 2
        public uint state_size;
        public IntPtr save_state; // Native.EnvSaveState
        public IntPtr load_state; // Native.EnvLoadState
        // version 3
        public uint flags;
    }

    /// <summary>Mirror of a2c_train_stats (valid only during the callback in
    /// C; this copy is yours).  `size` tells which fields the library filled
    /// in.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TrainStats
    {
        public uint size;
        public uint window_episodes;
        public ulong timesteps;
        public ulong episodes;
        public ulong updates;
        public double mean_return;
        public double mean_length;
        public double policy_loss, value_loss, entropy_loss, total_loss;
        public double explained_variance;
        public double grad_norm;
        public double learning_rate;
        public double steps_per_second;
        public double elapsed_seconds;
        // since 0.2: training health and the divergence guard
        public double entropy, entropy_fraction, approx_kl;
        public double actor_grad_norm, critic_grad_norm;
        public double value_loss_ratio, return_mean, return_std;
        public double advantage_mean, advantage_std;
        public double actor_saturation, critic_saturation;
        public double update_ratio, value_loss_jump, lr_scale;
        public ulong rollbacks;
        public uint rollback;
        public uint reserved0;
    }

    /// <summary>Mirror of a2c_allocator (version 1).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct AllocatorTable
    {
        public uint version;
        public IntPtr alloc; // Native.AllocFn
        public IntPtr free;  // Native.FreeFn
        public IntPtr ctx;
    }

    // ------------------------------------------------------------------
    // Raw P/Invoke declarations: the whole of a2c.h
    // ------------------------------------------------------------------

    /// <summary>P/Invoke declarations of every public function.  size_t is
    /// UIntPtr, pointers are IntPtr or arrays (pinned for the call), const
    /// char* results are IntPtr (read with Native.Str; never freed).</summary>
    public static class Native
    {
        /// <summary>"a2c": liba2c.so on Linux (found through LD_LIBRARY_PATH
        /// or A2C.dll.config's dllmap under Mono), a2c.dll on Windows,
        /// liba2c.dylib on macOS.  In Unity, a plugin in Assets/Plugins.
        /// For iOS (static linking) change it to "__Internal".</summary>
        public const string Lib = "a2c";
        const CallingConvention CC = CallingConvention.Cdecl;

        public static string Str(IntPtr p) { return p == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(p); }

        // callback signatures
        [UnmanagedFunctionPointer(CC)]
        public delegate int EnvReset(IntPtr user, uint index, ulong seed, IntPtr obs);
        [UnmanagedFunctionPointer(CC)]
        public delegate int EnvStep(IntPtr user, uint index, int action, IntPtr boxAction, IntPtr obs,
                                    ref double reward, ref int terminated, ref int truncated);
        [UnmanagedFunctionPointer(CC)]
        public delegate int EnvStepAll(IntPtr user, IntPtr actions, IntPtr boxActions, IntPtr obs,
                                       IntPtr rewards, IntPtr terminated, IntPtr truncated);
        [UnmanagedFunctionPointer(CC)]
        public delegate void EnvClose(IntPtr user);
        [UnmanagedFunctionPointer(CC)]
        public delegate int EnvSaveState(IntPtr user, uint index, IntPtr buf);
        [UnmanagedFunctionPointer(CC)]
        public delegate int EnvLoadState(IntPtr user, uint index, IntPtr buf);
        [UnmanagedFunctionPointer(CC)]
        public delegate int TrainCallback(IntPtr stats, IntPtr user);
        [UnmanagedFunctionPointer(CC)]
        public delegate IntPtr AllocFn(IntPtr ctx, UIntPtr size, UIntPtr align);
        [UnmanagedFunctionPointer(CC)]
        public delegate void FreeFn(IntPtr ctx, IntPtr ptr, UIntPtr size);

        // version and errors
        [DllImport(Lib, CallingConvention = CC)] public static extern uint a2c_version_number();
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_version_string();
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_strerror(int status);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_status_name(int status);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_last_error();

        // config
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_config_create(out ConfigHandle cfg, IntPtr alloc);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_config_create(out ConfigHandle cfg, ref AllocatorTable alloc);
        [DllImport(Lib, CallingConvention = CC)] public static extern void a2c_config_destroy(IntPtr cfg);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_config_clone(ConfigHandle src, out ConfigHandle dst);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_config_set_double(ConfigHandle cfg, int param, double value);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_config_set_int(ConfigHandle cfg, int param, long value);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_config_get_double(ConfigHandle cfg, int param, out double value);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_config_get_int(ConfigHandle cfg, int param, out long value);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_config_set_net_arch(ConfigHandle cfg, int[] pi, UIntPtr nPi, int[] vf, UIntPtr nVf);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_config_get_net_arch(ConfigHandle cfg, [Out] int[] pi, out UIntPtr nPi, [Out] int[] vf, out UIntPtr nVf);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_config_set_string(ConfigHandle cfg, string name, string value);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_param_name(int param);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_param_from_name(string name, out int param);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_param_bounds(int param, out double lo, out double hi);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_param_default(int param, out double value);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_param_is_integer(int param, out int isInteger);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_config_apply_preset(ConfigHandle cfg, string envId, out ulong nTimesteps);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_preset_name(UIntPtr index);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_preset_setting(string envId, UIntPtr index, out IntPtr key, out IntPtr value);

        // net
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_create(out NetHandle net, ConfigHandle cfg, UIntPtr obsDim, UIntPtr nActions);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_create_box(out NetHandle net, ConfigHandle cfg, UIntPtr obsDim, UIntPtr actionDim);
        [DllImport(Lib, CallingConvention = CC)] public static extern void a2c_net_destroy(IntPtr net);
        [DllImport(Lib, CallingConvention = CC)] public static extern UIntPtr a2c_net_param_count(NetHandle net);
        [DllImport(Lib, CallingConvention = CC)] public static extern UIntPtr a2c_net_obs_dim(NetHandle net);
        [DllImport(Lib, CallingConvention = CC)] public static extern UIntPtr a2c_net_n_actions(NetHandle net);
        [DllImport(Lib, CallingConvention = CC)] public static extern UIntPtr a2c_net_max_batch(NetHandle net);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_net_params(NetHandle net);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_net_grads(NetHandle net);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_get_params(NetHandle net, [Out] float[] dst, UIntPtr n);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_set_params(NetHandle net, float[] src, UIntPtr n);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_zero_grad(NetHandle net);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_seed(NetHandle net, ulong seed);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_normalizes_obs(NetHandle net);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_get_obs_norm(NetHandle net, [Out] double[] mean, [Out] double[] var, UIntPtr n, out double count, out double clipObs);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_set_obs_norm(NetHandle net, double[] mean, double[] var, UIntPtr n, double count, double clipObs);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_normalize_obs(NetHandle net, float[] obs, UIntPtr batch, [Out] float[] output);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_forward(NetHandle net, float[] obs, UIntPtr batch, [Out] float[] logits, [Out] float[] values);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_act(NetHandle net, float[] obs, UIntPtr batch, int deterministic, [Out] int[] actions, [Out] float[] logProbs, [Out] float[] values);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_action_kind(NetHandle net);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_set_action_bounds(NetHandle net, float[] low, float[] high, UIntPtr n);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_reset_noise(NetHandle net);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_act_box(NetHandle net, float[] obs, UIntPtr batch, int deterministic, [Out] float[] actions, [Out] float[] logProbs, [Out] float[] values);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_loss_backward_box(NetHandle net, ConfigHandle cfg, UIntPtr batch, float[] actions, float[] advantages, float[] returns, [Out] double[] terms, UIntPtr nTerms);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_backward(NetHandle net, UIntPtr batch, float[] dlogits, float[] dvalues);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_loss_backward(NetHandle net, ConfigHandle cfg, UIntPtr batch, int[] actions, float[] advantages, float[] returns, [Out] double[] terms, UIntPtr nTerms);

        // optimizer
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_optimizer_create(out OptimizerHandle opt, ConfigHandle cfg, UIntPtr nParams);
        [DllImport(Lib, CallingConvention = CC)] public static extern void a2c_optimizer_destroy(IntPtr opt);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_optimizer_step(OptimizerHandle opt, IntPtr parameters, IntPtr grads, UIntPtr n, double progressRemaining);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_optimizer_step(OptimizerHandle opt, [In, Out] float[] parameters, float[] grads, UIntPtr n, double progressRemaining);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_optimizer_learning_rate(OptimizerHandle opt, double progressRemaining, out double lr);
        [DllImport(Lib, CallingConvention = CC)] public static extern UIntPtr a2c_optimizer_state_size(OptimizerHandle opt);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_optimizer_get_state(OptimizerHandle opt, [Out] float[] dst, UIntPtr n, out ulong steps);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_optimizer_set_state(OptimizerHandle opt, float[] src, UIntPtr n, ulong steps);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_clip_grad_norm([In, Out] float[] grads, UIntPtr n, double maxNorm, out double totalNorm);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_clip_grad_norm(IntPtr grads, UIntPtr n, double maxNorm, out double totalNorm);

        // env
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_env_make(out EnvHandle env, string id, uint numEnvs, IntPtr alloc);
        [DllImport(Lib, CallingConvention = CC)] public static extern void a2c_env_close(IntPtr env);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_env_name(UIntPtr index);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_env_reward_threshold(string id, out double threshold);

        // rollout
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_rollout_create(out RolloutHandle ro, ConfigHandle cfg, UIntPtr obsDim);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_rollout_create_box(out RolloutHandle ro, ConfigHandle cfg, UIntPtr obsDim, UIntPtr actionDim);
        [DllImport(Lib, CallingConvention = CC)] public static extern void a2c_rollout_destroy(IntPtr ro);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_rollout_reset(RolloutHandle ro);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_rollout_add(RolloutHandle ro, float[] obs, int[] actions, float[] rewards, float[] episodeStarts, float[] values, float[] logProbs);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_rollout_add_box(RolloutHandle ro, float[] obs, float[] actions, float[] rewards, float[] episodeStarts, float[] values, float[] logProbs);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_rollout_compute_gae(RolloutHandle ro, ConfigHandle cfg, float[] lastValues, float[] dones);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_rollout_box_actions(RolloutHandle ro);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_rollout_observations(RolloutHandle ro);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_rollout_actions(RolloutHandle ro);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_rollout_rewards(RolloutHandle ro);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_rollout_values(RolloutHandle ro);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_rollout_advantages(RolloutHandle ro);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_rollout_returns(RolloutHandle ro);
        [DllImport(Lib, CallingConvention = CC)] public static extern UIntPtr a2c_rollout_size(RolloutHandle ro);

        // trainer
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_trainer_create(out TrainerHandle tr, ConfigHandle cfg, IntPtr env);
        [DllImport(Lib, CallingConvention = CC)] public static extern void a2c_trainer_destroy(IntPtr tr);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_trainer_learn(TrainerHandle tr, ulong totalTimesteps, IntPtr callback, IntPtr user);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_trainer_create_push(out TrainerHandle tr, ConfigHandle cfg, ref EnvTable shape);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_trainer_create_push(out TrainerHandle tr, ConfigHandle cfg, IntPtr shape);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_trainer_push_start(TrainerHandle tr, float[] obs);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_trainer_push_act(TrainerHandle tr, [Out] int[] actions, [Out] float[] boxActions);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_trainer_push_step(TrainerHandle tr, double[] rewards, int[] terminated, int[] truncated, float[] nextObs, float[] finalObs, ulong totalTimesteps, IntPtr callback, IntPtr user);
        [DllImport(Lib, CallingConvention = CC)] public static extern IntPtr a2c_trainer_net(TrainerHandle tr);
        [DllImport(Lib, CallingConvention = CC)] public static extern ulong a2c_trainer_timesteps(TrainerHandle tr);

        // checkpoints
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_save_size(NetHandle net, out UIntPtr size);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_save_to_buffer(NetHandle net, [Out] byte[] buf, UIntPtr cap, out UIntPtr written);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_save(NetHandle net, string path);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_load_from_buffer(out NetHandle net, byte[] buf, UIntPtr size, IntPtr alloc);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_load(out NetHandle net, string path, IntPtr alloc);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_trainer_save_size(TrainerHandle tr, out UIntPtr size);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_trainer_save_to_buffer(TrainerHandle tr, [Out] byte[] buf, UIntPtr cap, out UIntPtr written);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_trainer_save(TrainerHandle tr, string path);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_trainer_load_from_buffer(TrainerHandle tr, byte[] buf, UIntPtr size);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_trainer_load(TrainerHandle tr, string path);

        // export as C
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_export_c_size(NetHandle net, string prefix, out UIntPtr size);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_export_c_to_buffer(NetHandle net, string prefix, [Out] byte[] buf, UIntPtr cap, out UIntPtr written);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_net_export_c(NetHandle net, string path, string prefix);

        // evaluation
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_evaluate(NetHandle net, IntPtr env, uint nEpisodes, int deterministic, ulong seed, out double mean, out double std, [Out] double[] returns);
        [DllImport(Lib, CallingConvention = CC)] public static extern int a2c_evaluate_capped(NetHandle net, IntPtr env, uint nEpisodes, int deterministic, ulong seed, ulong maxEpisodeSteps, out double mean, out double std, [Out] double[] returns);
    }

    // ------------------------------------------------------------------
    // SafeHandles: ReleaseHandle calls the matching destroy/close
    // ------------------------------------------------------------------

    public sealed class ConfigHandle : SafeHandle
    {
        public ConfigHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { Native.a2c_config_destroy(handle); return true; }
    }

    /// <summary>A net.  One from a2c_trainer_net is borrowed (owned by the
    /// trainer, never destroyed here) and keeps the trainer's handle alive.</summary>
    public sealed class NetHandle : SafeHandle
    {
        internal SafeHandle owner; // the trainer of a borrowed net
        public NetHandle() : base(IntPtr.Zero, true) { }
        internal NetHandle(IntPtr borrowed, SafeHandle owner) : base(IntPtr.Zero, false)
        {
            SetHandle(borrowed);
            this.owner = owner;
        }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { Native.a2c_net_destroy(handle); return true; }
    }

    public sealed class OptimizerHandle : SafeHandle
    {
        public OptimizerHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { Native.a2c_optimizer_destroy(handle); return true; }
    }

    public sealed class RolloutHandle : SafeHandle
    {
        public RolloutHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { Native.a2c_rollout_destroy(handle); return true; }
    }

    /// <summary>A table from a2c_env_make; released with a2c_env_close.</summary>
    public sealed class EnvHandle : SafeHandle
    {
        public EnvHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { Native.a2c_env_close(handle); return true; }
    }

    /// <summary>A trainer.  Also owns what the native trainer points at: the
    /// unmanaged copy of a C#-defined env table (or a push trainer's shape
    /// table and action bounds, which the library keeps too) and the GCHandle in its
    /// `user` field, freed only after a2c_trainer_destroy; and it keeps a
    /// built-in env's handle alive (the env must outlive the trainer).</summary>
    public sealed class TrainerHandle : SafeHandle
    {
        internal IntPtr envTable;   // AllocHGlobal'd a2c_env, or zero
        internal GCHandle self;     // weak handle to the Trainer/PushTrainer, or unallocated
        internal SafeHandle envKeep; // a built-in env used by this trainer
        public TrainerHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle()
        {
            Native.a2c_trainer_destroy(handle);
            if (envTable != IntPtr.Zero) { Marshal.FreeHGlobal(envTable); envTable = IntPtr.Zero; }
            if (self.IsAllocated) self.Free();
            if (envKeep != null) envKeep.DangerousRelease();
            return true;
        }
    }

    // ------------------------------------------------------------------
    // Library-level helpers
    // ------------------------------------------------------------------

    public static class Library
    {
        public static uint VersionNumber { get { return Native.a2c_version_number(); } }
        public static string Version { get { return Native.Str(Native.a2c_version_string()); } }
        public static string LastError { get { return Native.Str(Native.a2c_last_error()); } }
        public static string StatusName(Status s) { return Native.Str(Native.a2c_status_name((int)s)); }
        public static string StrError(Status s) { return Native.Str(Native.a2c_strerror((int)s)); }

        /// <summary>Built-in environment ids ("CartPole-v1", ...).</summary>
        public static string[] EnvNames()
        {
            var names = new System.Collections.Generic.List<string>();
            for (int i = 0; ; i++) {
                string s = Native.Str(Native.a2c_env_name((UIntPtr)i));
                if (s == null) return names.ToArray();
                names.Add(s);
            }
        }

        /// <summary>Environment ids that have a zoo preset.</summary>
        public static string[] PresetNames()
        {
            var names = new System.Collections.Generic.List<string>();
            for (int i = 0; ; i++) {
                string s = Native.Str(Native.a2c_preset_name((UIntPtr)i));
                if (s == null) return names.ToArray();
                names.Add(s);
            }
        }

        public static double RewardThreshold(string envId)
        {
            double t;
            A2CException.Check(Native.a2c_env_reward_threshold(envId, out t));
            return t;
        }

        internal static UIntPtr U(long n)
        {
            if (n < 0) throw new ArgumentOutOfRangeException("n", "negative size");
            return (UIntPtr)(ulong)n;
        }
    }

    // ------------------------------------------------------------------
    // Config
    // ------------------------------------------------------------------

    /// <summary>SB3 hyperparameters (a2c_config).  Objects made from it copy
    /// it, so it may be disposed right after.</summary>
    public sealed class Config : IDisposable
    {
        public ConfigHandle Handle { get; private set; }

        public Config()
        {
            ConfigHandle h;
            A2CException.Check(Native.a2c_config_create(out h, IntPtr.Zero));
            Handle = h;
        }
        Config(ConfigHandle h) { Handle = h; }

        public Config Clone()
        {
            ConfigHandle h;
            A2CException.Check(Native.a2c_config_clone(Handle, out h));
            return new Config(h);
        }

        /// <summary>Sets a hyperparameter from text as rl-baselines3-zoo writes
        /// it: Set("learning_rate", "lin_7e-4"), Set("net_arch", "[64, 64]").</summary>
        public Config Set(string name, string value)
        {
            A2CException.Check(Native.a2c_config_set_string(Handle, name, value));
            return this;
        }
        public Config Set(string name, double value)
        {
            return Set(name, value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
        public Config Set(Param p, double value) { A2CException.Check(Native.a2c_config_set_double(Handle, (int)p, value)); return this; }
        public Config SetInt(Param p, long value) { A2CException.Check(Native.a2c_config_set_int(Handle, (int)p, value)); return this; }
        public double Get(Param p) { double v; A2CException.Check(Native.a2c_config_get_double(Handle, (int)p, out v)); return v; }
        public long GetInt(Param p) { long v; A2CException.Check(Native.a2c_config_get_int(Handle, (int)p, out v)); return v; }

        public Config SetNetArch(int[] pi, int[] vf)
        {
            A2CException.Check(Native.a2c_config_set_net_arch(Handle, pi, Library.U(pi.Length), vf, Library.U(vf.Length)));
            return this;
        }

        /// <summary>Applies the zoo's tuned row for envId; returns its
        /// n_timesteps budget.</summary>
        public ulong ApplyPreset(string envId)
        {
            ulong n;
            A2CException.Check(Native.a2c_config_apply_preset(Handle, envId, out n));
            return n;
        }

        public static Param ParamFromName(string name)
        {
            int p;
            A2CException.Check(Native.a2c_param_from_name(name, out p));
            return (Param)p;
        }
        public static string ParamName(Param p) { return Native.Str(Native.a2c_param_name((int)p)); }

        public void Dispose() { Handle.Dispose(); }
    }

    // ------------------------------------------------------------------
    // Env (built-in)
    // ------------------------------------------------------------------

    /// <summary>A built-in environment from a2c_env_make ("CartPole-v1").</summary>
    public sealed class Env : IDisposable
    {
        public EnvHandle Handle { get; private set; }
        public Env(string id, int numEnvs = 1)
        {
            EnvHandle h;
            A2CException.Check(Native.a2c_env_make(out h, id, (uint)numEnvs, IntPtr.Zero));
            Handle = h;
        }
        /// <summary>A copy of the table (obs_dim, action_dim, ...).</summary>
        public EnvTable Table
        {
            get
            {
                var t = (EnvTable)Marshal.PtrToStructure(Handle.DangerousGetHandle(), typeof(EnvTable));
                GC.KeepAlive(this);
                return t;
            }
        }
        public void Dispose() { Handle.Dispose(); }
    }

    // ------------------------------------------------------------------
    // Net
    // ------------------------------------------------------------------

    /// <summary>An actor-critic network: act with it, save it, load it.</summary>
    public sealed class Net : IDisposable
    {
        public NetHandle Handle { get; private set; }
        int[] act1 = new int[1];
        float[] box1;

        internal Net(NetHandle h) { Handle = h; }

        public static Net Create(Config cfg, int obsDim, int nActions)
        {
            NetHandle h;
            A2CException.Check(Native.a2c_net_create(out h, cfg.Handle, Library.U(obsDim), Library.U(nActions)));
            return new Net(h);
        }
        public static Net CreateBox(Config cfg, int obsDim, int actionDim)
        {
            NetHandle h;
            A2CException.Check(Native.a2c_net_create_box(out h, cfg.Handle, Library.U(obsDim), Library.U(actionDim)));
            return new Net(h);
        }
        /// <summary>Loads a net or trainer checkpoint file.</summary>
        public static Net Load(string path)
        {
            NetHandle h;
            A2CException.Check(Native.a2c_net_load(out h, path, IntPtr.Zero));
            return new Net(h);
        }
        public static Net Load(byte[] checkpoint)
        {
            NetHandle h;
            A2CException.Check(Native.a2c_net_load_from_buffer(out h, checkpoint, Library.U(checkpoint.Length), IntPtr.Zero));
            return new Net(h);
        }

        public int ObsDim { get { return (int)(ulong)Native.a2c_net_obs_dim(Handle); } }
        /// <summary>Discrete actions, or a box net's components.</summary>
        public int ActionCount { get { return (int)(ulong)Native.a2c_net_n_actions(Handle); } }
        public int ParamCount { get { return (int)(ulong)Native.a2c_net_param_count(Handle); } }
        public SpaceKind ActionKind { get { return (SpaceKind)Native.a2c_net_action_kind(Handle); } }

        /// <summary>One observation in, one discrete action out (greedy by
        /// default).  Allocates nothing: fit for a frame loop.</summary>
        public int Act(float[] obs, bool deterministic = true)
        {
            A2CException.Check(Native.a2c_net_act(Handle, obs, (UIntPtr)1u, deterministic ? 1 : 0, act1, null, null));
            return act1[0];
        }
        /// <summary>A batch: obs holds batch x ObsDim floats; writes batch actions.</summary>
        public void Act(float[] obs, int batch, bool deterministic, int[] actions, float[] logProbs = null, float[] values = null)
        {
            A2CException.Check(Native.a2c_net_act(Handle, obs, Library.U(batch), deterministic ? 1 : 0, actions, logProbs, values));
        }
        /// <summary>One observation of a BOX net; returns its action
        /// (clipped to the bounds).  The array is reused by the next call.</summary>
        public float[] ActBox(float[] obs, bool deterministic = true)
        {
            int n = ActionCount;
            if (box1 == null || box1.Length != n) box1 = new float[n];
            A2CException.Check(Native.a2c_net_act_box(Handle, obs, (UIntPtr)1u, deterministic ? 1 : 0, box1, null, null));
            return box1;
        }
        public void ActBox(float[] obs, int batch, bool deterministic, float[] actions, float[] logProbs = null, float[] values = null)
        {
            A2CException.Check(Native.a2c_net_act_box(Handle, obs, Library.U(batch), deterministic ? 1 : 0, actions, logProbs, values));
        }
        public void Forward(float[] obs, int batch, float[] logits, float[] values)
        {
            A2CException.Check(Native.a2c_net_forward(Handle, obs, Library.U(batch), logits, values));
        }
        public void Seed(ulong seed) { A2CException.Check(Native.a2c_net_seed(Handle, seed)); }

        public float[] GetParams()
        {
            var p = new float[ParamCount];
            A2CException.Check(Native.a2c_net_get_params(Handle, p, Library.U(p.Length)));
            return p;
        }
        public void SetParams(float[] p) { A2CException.Check(Native.a2c_net_set_params(Handle, p, Library.U(p.Length))); }

        public void Save(string path) { A2CException.Check(Native.a2c_net_save(Handle, path)); }
        public byte[] SaveToBytes()
        {
            UIntPtr size, written;
            A2CException.Check(Native.a2c_net_save_size(Handle, out size));
            var buf = new byte[(long)(ulong)size];
            A2CException.Check(Native.a2c_net_save_to_buffer(Handle, buf, size, out written));
            return buf;
        }
        /// <summary>Writes the greedy policy as one dependency-free C file.</summary>
        public void ExportC(string path, string prefix = null) { A2CException.Check(Native.a2c_net_export_c(Handle, path, prefix)); }

        /// <summary>Mean and std of n episode returns in a built-in env.</summary>
        public double Evaluate(Env env, int episodes, bool deterministic, ulong seed, out double std)
        {
            double mean;
            A2CException.Check(Native.a2c_evaluate(Handle, env.Handle.DangerousGetHandle(), (uint)episodes, deterministic ? 1 : 0, seed, out mean, out std, null));
            GC.KeepAlive(env);
            return mean;
        }

        /// <summary>Destroys an owned net; a trainer's net is left to the trainer.</summary>
        public void Dispose() { Handle.Dispose(); }
    }

    // ------------------------------------------------------------------
    // Optimizer and Rollout (for hand-written training loops)
    // ------------------------------------------------------------------

    public sealed class Optimizer : IDisposable
    {
        public OptimizerHandle Handle { get; private set; }
        public Optimizer(Config cfg, int nParams)
        {
            OptimizerHandle h;
            A2CException.Check(Native.a2c_optimizer_create(out h, cfg.Handle, Library.U(nParams)));
            Handle = h;
        }
        /// <summary>One update of the net's parameters from its gradients, in place.</summary>
        public void Step(Net net, double progressRemaining)
        {
            A2CException.Check(Native.a2c_optimizer_step(Handle, Native.a2c_net_params(net.Handle), Native.a2c_net_grads(net.Handle),
                                                         Native.a2c_net_param_count(net.Handle), progressRemaining));
            GC.KeepAlive(net);
        }
        public double LearningRate(double progressRemaining)
        {
            double lr;
            A2CException.Check(Native.a2c_optimizer_learning_rate(Handle, progressRemaining, out lr));
            return lr;
        }
        public void Dispose() { Handle.Dispose(); }
    }

    public sealed class Rollout : IDisposable
    {
        public RolloutHandle Handle { get; private set; }
        public Rollout(Config cfg, int obsDim)
        {
            RolloutHandle h;
            A2CException.Check(Native.a2c_rollout_create(out h, cfg.Handle, Library.U(obsDim)));
            Handle = h;
        }
        public void Add(float[] obs, int[] actions, float[] rewards, float[] episodeStarts, float[] values, float[] logProbs)
        {
            A2CException.Check(Native.a2c_rollout_add(Handle, obs, actions, rewards, episodeStarts, values, logProbs));
        }
        public void ComputeGae(Config cfg, float[] lastValues, float[] dones)
        {
            A2CException.Check(Native.a2c_rollout_compute_gae(Handle, cfg.Handle, lastValues, dones));
        }
        public void Reset() { A2CException.Check(Native.a2c_rollout_reset(Handle)); }
        public int Size { get { return (int)(ulong)Native.a2c_rollout_size(Handle); } }
        public void Dispose() { Handle.Dispose(); }
    }

    // ------------------------------------------------------------------
    // Environments written in C#
    // ------------------------------------------------------------------

    /// <summary>A discrete-action environment written in C#.  One object
    /// stands for every sub-environment; `index` says which one.  Write the
    /// observation into `obs` (ObsDim floats, reused between calls).</summary>
    public interface IEnvironment
    {
        int ObsDim { get; }
        int ActionCount { get; }
        /// <summary>Starts an episode of sub-environment `index`; `seed` is a
        /// fresh seed for its initial state.</summary>
        void Reset(int index, ulong seed, float[] obs);
        void Step(int index, int action, float[] obs, out double reward, out bool terminated, out bool truncated);
    }

    // ------------------------------------------------------------------
    // Trainer
    // ------------------------------------------------------------------

    /// <summary>SB3's A2C.learn() over a C#-defined or built-in environment.</summary>
    public sealed class Trainer : IDisposable
    {
        public TrainerHandle Handle { get; private set; }
        readonly IEnvironment env; // null for a built-in env
        readonly float[] obsBuf;
        Exception pending;         // thrown inside a callback, rethrown by Learn
        Func<TrainStats, bool> onUpdate;

        // The callbacks: static, so never collected (see the top of the file).
        static readonly Native.EnvReset ResetFn = ResetTrampoline;
        static readonly Native.EnvStep StepFn = StepTrampoline;
        static readonly Native.TrainCallback UpdateFn = UpdateTrampoline;
        static readonly IntPtr ResetPtr = Marshal.GetFunctionPointerForDelegate(ResetFn);
        static readonly IntPtr StepPtr = Marshal.GetFunctionPointerForDelegate(StepFn);
        static readonly IntPtr UpdatePtr = Marshal.GetFunctionPointerForDelegate(UpdateFn);

        /// <summary>A trainer over a C# environment with numEnvs
        /// sub-environments; maxEpisodeSteps > 0 adds Gymnasium's TimeLimit.</summary>
        public Trainer(Config cfg, IEnvironment env, int numEnvs = 1, int maxEpisodeSteps = 0)
        {
            if (env == null) throw new ArgumentNullException("env");
            this.env = env;
            obsBuf = new float[env.ObsDim];
            var table = new EnvTable {
                version = EnvTable.V2, num_envs = (uint)numEnvs, obs_dim = (uint)env.ObsDim,
                action_kind = (int)SpaceKind.Discrete, action_dim = (uint)env.ActionCount,
                max_episode_steps = (uint)maxEpisodeSteps, reset = ResetPtr, step = StepPtr
            };
            GCHandle self = GCHandle.Alloc(this, GCHandleType.Weak);
            table.user = GCHandle.ToIntPtr(self);
            IntPtr mem = Marshal.AllocHGlobal(Marshal.SizeOf(typeof(EnvTable)));
            Marshal.StructureToPtr(table, mem, false);
            TrainerHandle h;
            int st = Native.a2c_trainer_create(out h, cfg.Handle, mem);
            if (st != 0) {
                Marshal.FreeHGlobal(mem);
                self.Free();
                A2CException.Check(st);
            }
            h.envTable = mem;
            h.self = self;
            Handle = h;
        }

        /// <summary>A trainer over a built-in environment (kept alive by the trainer).</summary>
        public Trainer(Config cfg, Env builtin)
        {
            bool added = false;
            builtin.Handle.DangerousAddRef(ref added);
            TrainerHandle h;
            int st = Native.a2c_trainer_create(out h, cfg.Handle, builtin.Handle.DangerousGetHandle());
            if (st != 0) {
                builtin.Handle.DangerousRelease();
                A2CException.Check(st);
            }
            h.envKeep = builtin.Handle;
            h.self = GCHandle.Alloc(this, GCHandleType.Weak);
            Handle = h;
        }

        /// <summary>Trains until `total` env steps in all.  `callback` runs
        /// after every update; return false from it to stop.  An exception
        /// thrown by the environment or the callback stops training and is
        /// rethrown here.</summary>
        public void Learn(ulong total, Func<TrainStats, bool> callback = null)
        {
            pending = null;
            onUpdate = callback;
            int st;
            try {
                st = Native.a2c_trainer_learn(Handle, total, callback != null ? UpdatePtr : IntPtr.Zero,
                                              GCHandle.ToIntPtr(Handle.self));
            } finally {
                onUpdate = null;
            }
            GC.KeepAlive(this);
            if (pending != null) {
                Exception e = pending;
                pending = null;
                ExceptionDispatchInfo.Capture(e).Throw();
            }
            A2CException.Check(st);
        }

        /// <summary>The trainer's net (owned by the trainer: act, save, evaluate).</summary>
        public Net Net { get { return new Net(new NetHandle(Native.a2c_trainer_net(Handle), Handle)); } }
        public ulong Timesteps { get { return Native.a2c_trainer_timesteps(Handle); } }
        public void Save(string path) { A2CException.Check(Native.a2c_trainer_save(Handle, path)); }
        public void Load(string path) { A2CException.Check(Native.a2c_trainer_load(Handle, path)); }
        public byte[] SaveToBytes()
        {
            UIntPtr size, written;
            A2CException.Check(Native.a2c_trainer_save_size(Handle, out size));
            var buf = new byte[(long)(ulong)size];
            A2CException.Check(Native.a2c_trainer_save_to_buffer(Handle, buf, size, out written));
            return buf;
        }
        public void Load(byte[] checkpoint)
        {
            A2CException.Check(Native.a2c_trainer_load_from_buffer(Handle, checkpoint, Library.U(checkpoint.Length)));
        }
        public void Dispose() { Handle.Dispose(); }

        static Trainer From(IntPtr user) { return (Trainer)GCHandle.FromIntPtr(user).Target; }

        [MonoPInvokeCallback(typeof(Native.EnvReset))]
        static int ResetTrampoline(IntPtr user, uint index, ulong seed, IntPtr obs)
        {
            Trainer t = null;
            try {
                t = From(user);
                t.env.Reset((int)index, seed, t.obsBuf);
                Marshal.Copy(t.obsBuf, 0, obs, t.obsBuf.Length);
                return 0;
            } catch (Exception e) {
                if (t != null && t.pending == null) t.pending = e;
                return 1;
            }
        }

        [MonoPInvokeCallback(typeof(Native.EnvStep))]
        static int StepTrampoline(IntPtr user, uint index, int action, IntPtr boxAction, IntPtr obs,
                                  ref double reward, ref int terminated, ref int truncated)
        {
            Trainer t = null;
            try {
                t = From(user);
                bool term, trunc;
                double r;
                t.env.Step((int)index, action, t.obsBuf, out r, out term, out trunc);
                Marshal.Copy(t.obsBuf, 0, obs, t.obsBuf.Length);
                reward = r;
                terminated = term ? 1 : 0;
                truncated = trunc ? 1 : 0;
                return 0;
            } catch (Exception e) {
                if (t != null && t.pending == null) t.pending = e;
                return 1;
            }
        }

        [MonoPInvokeCallback(typeof(Native.TrainCallback))]
        static int UpdateTrampoline(IntPtr stats, IntPtr user)
        {
            Trainer t = null;
            try {
                t = From(user);
                var s = (TrainStats)Marshal.PtrToStructure(stats, typeof(TrainStats));
                return t.onUpdate(s) ? 0 : 1;
            } catch (Exception e) {
                if (t != null && t.pending == null) t.pending = e;
                return 1; // stop; Learn rethrows
            }
        }
    }

    // ------------------------------------------------------------------
    // PushTrainer: the host owns the loop (Unity FixedUpdate, Godot _physics_process)
    // ------------------------------------------------------------------

    /// <summary>Push-style training: each frame, Act() for the actions of
    /// every agent, apply them, reset agents whose episode ended, then
    /// Step() with what happened.  The trainer updates every n_steps frames,
    /// exactly as Learn would.  Allocates nothing per frame.</summary>
    public sealed class PushTrainer : IDisposable
    {
        public TrainerHandle Handle { get; private set; }
        public int NumEnvs { get; private set; }
        public int ObsDim { get; private set; }
        /// <summary>Discrete actions, or a BOX trainer's components.</summary>
        public int ActionCount { get; private set; }
        readonly int[] termBuf, truncBuf;
        Exception pending;
        Action<TrainStats> onUpdate;

        static readonly Native.TrainCallback UpdateFn = UpdateTrampoline;
        static readonly IntPtr UpdatePtr = Marshal.GetFunctionPointerForDelegate(UpdateFn);

        /// <summary>numEnvs agents, each seeing obsDim floats and choosing
        /// one of actionCount discrete actions.</summary>
        public PushTrainer(Config cfg, int numEnvs, int obsDim, int actionCount)
        {
            var shape = new EnvTable {
                version = EnvTable.V2, num_envs = (uint)numEnvs, obs_dim = (uint)obsDim,
                action_kind = (int)SpaceKind.Discrete, action_dim = (uint)actionCount
            };
            Handle = Create(cfg, shape, null, null);
            NumEnvs = numEnvs;
            ObsDim = obsDim;
            ActionCount = actionCount;
            termBuf = new int[numEnvs];
            truncBuf = new int[numEnvs];
        }

        // The library keeps the shape table's address (and reads its action
        // bounds at every push_act), so the table and bounds live in
        // unmanaged memory owned by the handle, freed after the trainer.
        TrainerHandle Create(Config cfg, EnvTable shape, float[] low, float[] high)
        {
            int tableSize = Marshal.SizeOf(typeof(EnvTable));
            int dim = (int)shape.action_dim;
            if ((low != null && low.Length != dim) || (high != null && high.Length != dim))
                throw new ArgumentException("action bounds need actionDim entries");
            IntPtr mem = Marshal.AllocHGlobal(tableSize + 8 * dim);
            if (low != null) {
                shape.action_low = new IntPtr(mem.ToInt64() + tableSize);
                Marshal.Copy(low, 0, shape.action_low, dim);
            }
            if (high != null) {
                shape.action_high = new IntPtr(mem.ToInt64() + tableSize + 4 * dim);
                Marshal.Copy(high, 0, shape.action_high, dim);
            }
            Marshal.StructureToPtr(shape, mem, false);
            TrainerHandle h;
            int st = Native.a2c_trainer_create_push(out h, cfg.Handle, mem);
            if (st != 0) {
                Marshal.FreeHGlobal(mem);
                A2CException.Check(st);
            }
            h.envTable = mem;
            h.self = GCHandle.Alloc(this, GCHandleType.Weak);
            return h;
        }

        /// <summary>A push trainer for continuous (BOX) actions of actionDim
        /// components, clipped to [actionLow, actionHigh] (null: unbounded);
        /// act with Act(float[]).</summary>
        public PushTrainer(Config cfg, int numEnvs, int obsDim, int actionDim, float[] actionLow, float[] actionHigh)
        {
            var shape = new EnvTable {
                version = EnvTable.V2, num_envs = (uint)numEnvs, obs_dim = (uint)obsDim,
                action_kind = (int)SpaceKind.Box, action_dim = (uint)actionDim
            };
            Handle = Create(cfg, shape, actionLow, actionHigh);
            NumEnvs = numEnvs;
            ObsDim = obsDim;
            ActionCount = actionDim;
            termBuf = new int[numEnvs];
            truncBuf = new int[numEnvs];
        }

        /// <summary>First observations of every agent (NumEnvs x ObsDim).</summary>
        public void Start(float[] obs) { A2CException.Check(Native.a2c_trainer_push_start(Handle, obs)); }

        /// <summary>Writes NumEnvs actions for the current observations.</summary>
        public void Act(int[] actions) { A2CException.Check(Native.a2c_trainer_push_act(Handle, actions, null)); }

        /// <summary>BOX: writes NumEnvs x ActionCount actions, clipped to the bounds.</summary>
        public void Act(float[] boxActions) { A2CException.Check(Native.a2c_trainer_push_act(Handle, null, boxActions)); }

        /// <summary>Reports the step: rewards, Gymnasium flags, next
        /// observations (a finished agent's first of its new episode) and
        /// finalObs (rows of finished agents: their last observation; may be
        /// null if none was truncated).  `total` is the planned number of
        /// steps (all agents) for the schedules.  onUpdate runs after an
        /// update; an exception from it is rethrown here.</summary>
        public void Step(double[] rewards, bool[] terminated, bool[] truncated, float[] nextObs,
                         float[] finalObs, ulong total, Action<TrainStats> onUpdate = null)
        {
            if (terminated.Length < NumEnvs || truncated.Length < NumEnvs)
                throw new ArgumentException("terminated/truncated need NumEnvs entries");
            for (int i = 0; i < NumEnvs; i++) {
                termBuf[i] = terminated[i] ? 1 : 0;
                truncBuf[i] = truncated[i] ? 1 : 0;
            }
            pending = null;
            this.onUpdate = onUpdate;
            int st;
            try {
                st = Native.a2c_trainer_push_step(Handle, rewards, termBuf, truncBuf, nextObs, finalObs, total,
                                                  onUpdate != null ? UpdatePtr : IntPtr.Zero,
                                                  GCHandle.ToIntPtr(Handle.self));
            } finally {
                this.onUpdate = null;
            }
            GC.KeepAlive(this);
            A2CException.Check(st);
            if (pending != null) {
                Exception e = pending;
                pending = null;
                ExceptionDispatchInfo.Capture(e).Throw();
            }
        }

        /// <summary>The trainer's net: free to act with only between a
        /// completed rollout and the next Act (else A2C_E_STATE); for acting
        /// mid-rollout, load a copy: Net.Load(trainer.Net.SaveToBytes()).</summary>
        public Net Net { get { return new Net(new NetHandle(Native.a2c_trainer_net(Handle), Handle)); } }
        public ulong Timesteps { get { return Native.a2c_trainer_timesteps(Handle); } }
        public void Save(string path) { A2CException.Check(Native.a2c_trainer_save(Handle, path)); }
        public void Dispose() { Handle.Dispose(); }

        [MonoPInvokeCallback(typeof(Native.TrainCallback))]
        static int UpdateTrampoline(IntPtr stats, IntPtr user)
        {
            PushTrainer t = null;
            try {
                t = (PushTrainer)GCHandle.FromIntPtr(user).Target;
                t.onUpdate((TrainStats)Marshal.PtrToStructure(stats, typeof(TrainStats)));
            } catch (Exception e) {
                if (t != null && t.pending == null) t.pending = e;
            }
            return 0;
        }
    }
}
