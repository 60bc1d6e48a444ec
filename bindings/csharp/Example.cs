// Example.cs -- the C# binding's example and test program.
//
//   mcs -out:build/cs/a2c_example.exe bindings/csharp/A2C.cs bindings/csharp/Example.cs
//   LD_LIBRARY_PATH=build/cs mono build/cs/a2c_example.exe [test|train] [steps]
//
// "test" (the default) runs every check below and exits 1 if one fails;
// "train" only trains CartPole through the C# environment and prints progress.
using System;
using System.Diagnostics;
using System.IO;
using A2C;

/// <summary>Gymnasium 1.x CartPole-v1 dynamics (Euler, 50 Hz) written in C#,
/// one state per sub-environment.  The time limit (500) comes from the
/// trainer's maxEpisodeSteps, as Gymnasium's TimeLimit wrapper.</summary>
sealed class CartPole : IEnvironment
{
    const double Gravity = 9.8, MassCart = 1.0, MassPole = 0.1, TotalMass = MassPole + MassCart;
    const double Length = 0.5, PoleMassLength = MassPole * Length, ForceMag = 10.0, Tau = 0.02;
    const double ThetaThreshold = 12 * 2 * Math.PI / 360, XThreshold = 2.4;

    readonly double[,] state;
    public int ThrowAfterSteps = -1; // for the exception test
    long steps;

    public CartPole(int numEnvs) { state = new double[numEnvs, 4]; }
    public int ObsDim { get { return 4; } }
    public int ActionCount { get { return 2; } }

    public void Reset(int index, ulong seed, float[] obs)
    {
        // SplitMix64 from the library's per-episode seed: U[-0.05, 0.05)
        ulong s = seed;
        for (int k = 0; k < 4; k++) {
            s += 0x9E3779B97F4A7C15UL;
            ulong z = s;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            state[index, k] = -0.05 + 0.1 * ((z >> 11) * (1.0 / 9007199254740992.0));
        }
        Observe(index, obs);
    }

    public void Step(int index, int action, float[] obs, out double reward, out bool terminated, out bool truncated)
    {
        if (ThrowAfterSteps >= 0 && ++steps > ThrowAfterSteps)
            throw new InvalidOperationException("cart-pole exploded on purpose");
        double x = state[index, 0], xDot = state[index, 1], theta = state[index, 2], thetaDot = state[index, 3];
        double force = action == 1 ? ForceMag : -ForceMag;
        double c = Math.Cos(theta), s = Math.Sin(theta);
        double temp = (force + PoleMassLength * thetaDot * thetaDot * s) / TotalMass;
        double thetaAcc = (Gravity * s - c * temp) / (Length * (4.0 / 3.0 - MassPole * c * c / TotalMass));
        double xAcc = temp - PoleMassLength * thetaAcc * c / TotalMass;
        state[index, 0] = x + Tau * xDot;
        state[index, 1] = xDot + Tau * xAcc;
        state[index, 2] = theta + Tau * thetaDot;
        state[index, 3] = thetaDot + Tau * thetaAcc;
        x = state[index, 0];
        theta = state[index, 2];
        terminated = x < -XThreshold || x > XThreshold || theta < -ThetaThreshold || theta > ThetaThreshold;
        truncated = false;
        reward = 1.0;
        Observe(index, obs);
    }

    void Observe(int index, float[] obs)
    {
        for (int k = 0; k < 4; k++) obs[k] = (float)state[index, k];
    }
}

static class Program
{
    static int failures;

    static void Check(bool ok, string what)
    {
        Console.WriteLine((ok ? "ok   " : "FAIL ") + what);
        if (!ok) failures++;
    }

    static Config CartPoleConfig()
    {
        var cfg = new Config();
        cfg.ApplyPreset("CartPole-v1"); // the zoo's row: 8 envs, ent_coef 0
        cfg.SetInt(Param.Seed, 1);
        return cfg;
    }

    // Trains CartPole through the C# environment; returns the last mean return.
    // With stopWhenSolved, training stops once the mean reaches 475 (the
    // registered threshold), so the check does not hinge on where in a
    // later oscillation a fixed budget happens to end.
    static double TrainCSharpEnv(ulong steps, string savePath, bool verbose, bool stopWhenSolved)
    {
        using (var cfg = CartPoleConfig())
        using (var tr = new Trainer(cfg, new CartPole(8), 8, 500)) {
            double last = double.NaN;
            var sw = Stopwatch.StartNew();
            tr.Learn(steps, s => {
                last = s.mean_return;
                if (verbose && s.updates % 500 == 0)
                    Console.WriteLine("  {0,7} steps  mean return {1,6:F1}  {2:F0} steps/s",
                                      s.timesteps, s.mean_return, s.steps_per_second);
                return !(stopWhenSolved && s.mean_return >= 475);
            });
            Console.WriteLine("  C# CartPole: {0} steps in {1:F1} s ({2:F0} steps/s), last-100 mean return {3:F1}",
                              tr.Timesteps, sw.Elapsed.TotalSeconds, tr.Timesteps / sw.Elapsed.TotalSeconds, last);
            if (savePath != null) tr.Net.Save(savePath);
            return last;
        }
    }

    // Greedy return of a net in the C# env, driven by hand (one episode).
    static double PlayCSharp(Net net, ulong seed)
    {
        var env = new CartPole(1);
        var obs = new float[4];
        env.Reset(0, seed, obs);
        double total = 0;
        for (int t = 0; t < 500; t++) {
            double r;
            bool term, trunc;
            env.Step(0, net.Act(obs), obs, out r, out term, out trunc);
            total += r;
            if (term) break;
        }
        return total;
    }

    // A Unity-style frame loop: 8 agents, one Act and one Step per FixedUpdate.
    static void PushLoop(int frames)
    {
        const int N = 8;
        var env = new CartPole(N);
        using (var cfg = CartPoleConfig())
        using (var tr = new PushTrainer(cfg, N, 4, 2)) {
            var obs = new float[N * 4];
            var finalObs = new float[N * 4];
            var row = new float[4];
            var actions = new int[N];
            var rewards = new double[N];
            var term = new bool[N];
            var trunc = new bool[N];
            var length = new int[N];
            ulong seed = 1000;
            for (int i = 0; i < N; i++) { env.Reset(i, seed++, row); Array.Copy(row, 0, obs, i * 4, 4); }
            tr.Start(obs);
            ulong total = (ulong)(frames * N);
            int updates = 0;
            double lastMean = double.NaN;
            for (int frame = 0; frame < frames; frame++) { // FixedUpdate
                tr.Act(actions);
                for (int i = 0; i < N; i++) {
                    env.Step(i, actions[i], row, out rewards[i], out term[i], out trunc[i]);
                    trunc[i] = !term[i] && ++length[i] >= 500; // our own TimeLimit
                    if (term[i] || trunc[i]) {
                        Array.Copy(row, 0, finalObs, i * 4, 4);
                        env.Reset(i, seed++, row);
                        length[i] = 0;
                    }
                    Array.Copy(row, 0, obs, i * 4, 4);
                }
                tr.Step(rewards, term, trunc, obs, finalObs, total, s => { updates++; lastMean = s.mean_return; });
            }
            Check(tr.Timesteps == total, "PushTrainer took " + tr.Timesteps + " steps from the frame loop");
            Check(updates == frames / 5, "PushTrainer updated " + updates + " times (every n_steps = 5 frames)");
            Console.WriteLine("  push loop: last-100 mean return {0:F1} after {1} frames", lastMean, frames);
            // frames is a multiple of n_steps: the rollout is complete, the net is free
            int a = tr.Net.Act(new float[] { 0f, 0f, 0.1f, 0f });
            Check(a == 0 || a == 1, "PushTrainer's net acts after a full rollout");
            // an exception in the update callback is rethrown from Step
            bool rethrown = false;
            try {
                for (int frame = 0; frame < 5; frame++) {
                    tr.Act(actions);
                    tr.Step(rewards, new bool[N], new bool[N], obs, null, total,
                            s => { throw new ApplicationException("from onUpdate"); });
                }
            } catch (ApplicationException e) {
                rethrown = e.Message == "from onUpdate";
            }
            Check(rethrown, "an exception in PushTrainer's callback is rethrown from Step");
        }
    }

    static int Test(ulong steps)
    {
        var total = Stopwatch.StartNew();
        Console.WriteLine("liba2c {0} ({1})", Library.Version, Library.VersionNumber);
        Check(Library.VersionNumber >= 100, "a2c_version_number");

        // 1. bad arguments raise A2CException with the library's message
        using (var cfg = new Config()) {
            try {
                cfg.Set("learning_rat", "0.1");
                Check(false, "unknown parameter raises");
            } catch (A2CException e) {
                Check(e.Status == Status.InvalidArg && e.StatusName == "A2C_E_INVALID_ARG"
                      && e.Detail.Contains("learning_rat"), "unknown parameter: " + e.Message);
            }
            try {
                cfg.SetInt(Param.NSteps, 0);
                Check(false, "n_steps 0 raises");
            } catch (A2CException e) {
                Check(e.Status == Status.InvalidArg && e.Detail.Contains("n_steps"), "n_steps 0: " + e.Message);
            }
            try {
                Net.Load("/nonexistent/policy.a2c");
                Check(false, "missing file raises");
            } catch (A2CException e) {
                Check(e.Status == Status.IO, "missing checkpoint: " + e.Message);
            }
            cfg.Set("net_arch", "[32, 32]").Set("learning_rate", "lin_7e-4");
            Check(cfg.Get(Param.LrSchedule) == 1, "Set(\"learning_rate\", \"lin_...\") selects the linear schedule");
            Check(Config.ParamFromName("gamma") == Param.Gamma, "ParamFromName");
        }

        // 1b. the struct mirrors match the C layout (64-bit offsets from a2c.h)
        if (IntPtr.Size == 8) {
            Check(System.Runtime.InteropServices.Marshal.SizeOf(typeof(EnvTable)) == 128
                  && (int)System.Runtime.InteropServices.Marshal.OffsetOf(typeof(EnvTable), "state_size") == 96
                  && (int)System.Runtime.InteropServices.Marshal.OffsetOf(typeof(EnvTable), "load_state") == 112
                  && (int)System.Runtime.InteropServices.Marshal.OffsetOf(typeof(EnvTable), "flags") == 120,
                  "EnvTable mirrors a2c_env v3 (128 bytes, state_size at 96, load_state at 112, flags at 120)");
            Check(System.Runtime.InteropServices.Marshal.SizeOf(typeof(TrainStats)) == 256
                  && (int)System.Runtime.InteropServices.Marshal.OffsetOf(typeof(TrainStats), "lr_scale") == 232
                  && (int)System.Runtime.InteropServices.Marshal.OffsetOf(typeof(TrainStats), "rollbacks") == 240,
                  "TrainStats mirrors a2c_train_stats (256 bytes, lr_scale at 232, rollbacks at 240)");
        }
        using (var env = new Env("CartPole-v1", 3)) {
            EnvTable t = env.Table;
            Check(t.version >= EnvTable.V2 && t.num_envs == 3 && t.obs_dim == 4 && t.action_dim == 2
                  && t.max_episode_steps == 500 && t.reset != IntPtr.Zero && t.step != IntPtr.Zero,
                  "a2c_env_make's table read through EnvTable");
        }
        double threshold = Library.RewardThreshold("CartPole-v1");
        Check(threshold == 475, "RewardThreshold(\"CartPole-v1\") = " + threshold);
        Check(Array.IndexOf(Library.EnvNames(), "CartPole-v1") >= 0, "EnvNames lists CartPole-v1");

        // 2. Learn with a C# environment; the saved policy loads and acts
        string dir = Path.Combine(Path.GetTempPath(), "a2c_cs_" + Process.GetCurrentProcess().Id);
        Directory.CreateDirectory(dir);
        string policy = Path.Combine(dir, "cartpole.a2c");
        try {
            var sw = Stopwatch.StartNew();
            double mean = TrainCSharpEnv(steps, policy, false, true);
            Check(mean > 195, "Trainer.Learn on the C# CartPole: last-100 mean return " + mean.ToString("F1") + " > 195 within " + steps + " steps");

            using (var net = Net.Load(policy))
            using (var env = new Env("CartPole-v1", 1)) {
                Check(net.ObsDim == 4 && net.ActionCount == 2 && net.ActionKind == SpaceKind.Discrete, "Net.Load: shape");
                double std;
                double greedy = net.Evaluate(env, 10, true, 7, out std);
                Check(greedy > 400, "loaded policy, built-in CartPole-v1, greedy mean of 10 episodes " + greedy.ToString("F1") + " > 400");
                double own = 0;
                for (ulong e = 0; e < 5; e++) own += PlayCSharp(net, 100 + e);
                Check(own / 5 > 400, "loaded policy, C# CartPole by hand, greedy mean " + (own / 5).ToString("F1") + " > 400");
                string csrc = Path.Combine(dir, "policy.c");
                net.ExportC(csrc, "cartpole");
                Check(File.ReadAllText(csrc).Contains("int cartpole_act(const float *obs)"), "Net.ExportC writes cartpole_act");
                byte[] bytes = net.SaveToBytes();
                using (var copy = Net.Load(bytes))
                    Check(copy.Act(new float[] { 0, 0, 0.05f, 0 }) == net.Act(new float[] { 0, 0, 0.05f, 0 }), "SaveToBytes/Load(byte[]) round trip");
            }

            // 3. an exception inside an environment callback is rethrown from Learn
            using (var cfg = CartPoleConfig()) {
                var env = new CartPole(8) { ThrowAfterSteps = 100 };
                using (var tr = new Trainer(cfg, env, 8, 500)) {
                    try {
                        tr.Learn(10000);
                        Check(false, "exception in Step is rethrown");
                    } catch (InvalidOperationException e) {
                        Check(e.Message == "cart-pole exploded on purpose", "exception in IEnvironment.Step rethrown from Learn");
                    }
                    // the trainer is still usable: the envs restart at the next learn
                    env.ThrowAfterSteps = -1;
                    tr.Learn(tr.Timesteps + 400);
                    Check(true, "Learn works again after a callback exception");
                    try {
                        tr.Learn(tr.Timesteps + 400, s => { throw new FormatException("from callback"); });
                        Check(false, "exception in training callback is rethrown");
                    } catch (FormatException) {
                        Check(true, "exception in the training callback rethrown from Learn");
                    }
                }
            }

            // 4. built-in env through the same Trainer class; callback stops early
            using (var cfg = CartPoleConfig())
            using (var env = new Env("CartPole-v1", 8))
            using (var tr = new Trainer(cfg, env)) {
                int calls = 0;
                tr.Learn(100000, s => ++calls < 10);
                Check(calls == 10 && tr.Timesteps == 10 * 5 * 8, "built-in env trainer; callback returning false stops (" + tr.Timesteps + " steps)");
                string ckpt = Path.Combine(dir, "trainer.a2c");
                tr.Save(ckpt);
                tr.Load(ckpt);
                Check(File.Exists(ckpt), "Trainer.Save/Load");
            }

            // 5. push-style training from a frame loop
            sw.Restart();
            PushLoop(5000);
            Console.WriteLine("  push loop: {0:F1} s", sw.Elapsed.TotalSeconds);

            // 5b. a BOX push trainer: actions come back inside the bounds
            using (var cfg = new Config())
            using (var tr = new PushTrainer(cfg, 2, 3, 1, new float[] { -2f }, new float[] { 2f })) {
                var obs = new float[6];
                var act = new float[2];
                bool inBounds = true;
                var none = new bool[2];
                tr.Start(obs);
                for (int frame = 0; frame < 50; frame++) {
                    tr.Act(act);
                    for (int i = 0; i < 2; i++) {
                        inBounds &= act[i] >= -2f && act[i] <= 2f;
                        obs[3 * i] = (float)Math.Cos(frame * 0.1 + act[i]);
                    }
                    tr.Step(new double[] { -act[0] * act[0], -act[1] * act[1] }, none, none, obs, null, 50 * 2);
                }
                Check(inBounds && tr.Timesteps == 100, "BOX PushTrainer: 100 steps, actions within [-2, 2]");
            }

            // 6. GC pressure: callbacks survive collections during training
            using (var cfg = CartPoleConfig())
            using (var tr = new Trainer(cfg, new CartPole(8), 8, 500)) {
                tr.Learn(4000, s => { GC.Collect(); GC.WaitForPendingFinalizers(); return true; });
                Check(tr.Timesteps == 4000, "training survives GC.Collect in the callback");
            }
        } finally {
            Directory.Delete(dir, true);
        }

        Console.WriteLine("{0} failed, {1:F1} s", failures, total.Elapsed.TotalSeconds);
        return failures == 0 ? 0 : 1;
    }

    static int Main(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "test";
        ulong steps = args.Length > 1 ? ulong.Parse(args[1]) : 200000;
        try {
            if (mode == "train") {
                TrainCSharpEnv(steps, null, true, false);
                return 0;
            }
            if (mode == "test") return Test(steps);
        } catch (Exception e) {
            Console.Error.WriteLine("unexpected: " + e);
            return 1;
        }
        Console.Error.WriteLine("usage: a2c_example.exe [test|train] [steps]");
        return 2;
    }
}
