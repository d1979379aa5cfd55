"""The PyTorch side of `make bench-compare`: the workloads of the Go
benchmarks, with the same shapes, timed on one CPU thread.

Run with Debian's python3 (package python3-torch) and OPENBLAS_NUM_THREADS=1.
Prints one JSON object per line: {"name": ..., "dtype": "f32"|"f64", "ms": median}.

The LML projection and DCEM are written here from the paper (Amos & Yarats,
ICML 2020: LML's root ν by bisection inside a bracket that provably holds
it, with the implicit-function gradient; DCEM as alg. 1), vectorized over
the batch and reusing buffers as a careful PyTorch user would write them.

Usage: torch_bench.py [--quick] [--f32] [NAME_SUBSTRING ...] (--f32: float32 only)
"""

import json
import math
import statistics
import sys
import time

import torch

torch.set_num_threads(1)


def timeit(fn, reps, warm=2):
    for _ in range(warm):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


# --- LML: y = σ(x/τ + ν) with Σy = k, ν found by a bracketed search -----------

class LMLFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k, tau, eps):
        n = x.shape[-1]
        z = x / tau
        base = math.log(k / (n - k))  # logit(k/n)
        lo = base - z.max(dim=-1, keepdim=True).values
        hi = base - z.min(dim=-1, keepdim=True).values
        # Bisection: Σσ(z + ν) increases with ν; halve [lo, hi] until it is
        # narrower than eps (each step costs one pass over (B, n)).
        buf = torch.empty_like(z)
        steps = max(1, math.ceil(math.log2(float((hi - lo).max()) / eps)))
        for _ in range(steps):
            mid = (lo + hi) / 2
            s = torch.sigmoid(torch.add(z, mid, out=buf), out=buf).sum(-1, keepdim=True)
            up = s < k
            lo = torch.where(up, mid, lo)
            hi = torch.where(up, hi, mid)
        nu = (lo + hi) / 2
        y = torch.sigmoid(z + nu)
        ctx.save_for_backward(y)
        ctx.tau = tau
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        d = y * (1 - y)
        c = (d * g).sum(-1, keepdim=True) / d.sum(-1, keepdim=True).clamp_min(1e-30)
        return d * (g - c) / ctx.tau, None, None, None


def lml(x, k, tau=1.0, eps=1e-3):
    return LMLFunction.apply(x, k, tau, eps)


def dcem(f, mu, sigma, samples, elites, iters, tau=1.0, gen=None):
    b, n = mu.shape
    for _ in range(iters):
        noise = torch.randn(b, samples, n, dtype=mu.dtype, generator=gen)
        x = mu.unsqueeze(1) + sigma.unsqueeze(1) * noise
        v = f(x)  # (B, S)
        v = (v - v.mean(1, keepdim=True)) / (v.std(1, keepdim=True) + 1e-6)
        w = lml(-v, elites, tau).unsqueeze(2)
        mu = (w * x).sum(1) / elites
        sigma = ((w * (x - mu.unsqueeze(1)) ** 2).sum(1) / elites).sqrt()
    return mu


# --- workloads ---------------------------------------------------------------

def w_lml(rows, cols):
    def make(dt):
        x = torch.randn(rows, cols, dtype=dt)
        g = torch.randn(rows, cols, dtype=dt)

        def run():
            xv = x.clone().requires_grad_()
            lml(xv, 10, 1.0, 1e-3).backward(g)
        return run
    return make


def w_dcem(b, n, s, k):
    def make(dt):
        c = torch.randn(b, 1, n, dtype=dt, requires_grad=True)
        gen = torch.Generator().manual_seed(1)

        def run():
            f = lambda x: 0.5 * ((x - c) ** 2).sum(-1)
            mu = dcem(f, torch.zeros(b, n, dtype=dt), torch.ones(b, n, dtype=dt), s, k, 10, 1.0, gen)
            mu.sum().backward()
        return run
    return make


def w_mlp(dt):
    torch.manual_seed(1)
    m = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256),
                            torch.nn.ReLU(), torch.nn.Linear(256, 64)).to(dt)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    x = torch.randn(1000, 64, dtype=dt)
    y = torch.randn(1000, 64, dtype=dt)

    def run():
        opt.zero_grad()
        ((m(x) - y) ** 2).mean().backward()
        opt.step()
    return run


def w_gru(dt):
    torch.manual_seed(1)
    cell = torch.nn.GRUCell(230, 200).to(dt)
    xs = [torch.randn(50, 230, dtype=dt) for _ in range(50)]
    h0 = torch.zeros(50, 200, dtype=dt)

    def run():
        cell.zero_grad()
        h = h0
        for x in xs:
            h = cell(x, h)
        h.sum().backward()
    return run


def w_energy(dt):
    torch.manual_seed(1)
    sp = torch.nn.Softplus
    m = torch.nn.Sequential(torch.nn.Linear(2, 128), sp(), torch.nn.Linear(128, 128), sp(),
                            torch.nn.Linear(128, 128), sp(), torch.nn.Linear(128, 1)).to(dt)
    x = torch.randn(1000, 2, dtype=dt)

    def run():
        m.zero_grad()
        m(x).sum().backward()
    return run


def w_softplus(dt):
    x = torch.randn(3000, 128, dtype=dt) * 3
    return lambda: torch.nn.functional.softplus(x)


def w_regression_dcem(dt):
    """One training update of the regression energy model on one point:
    DCEM with 10 iterations of 100 samples, 10 elites, τ 1, initial σ 7,
    then the squared error and an Adam step."""
    torch.manual_seed(1)
    sp = torch.nn.Softplus
    m = torch.nn.Sequential(torch.nn.Linear(2, 128), sp(), torch.nn.Linear(128, 128), sp(),
                            torch.nn.Linear(128, 128), sp(), torch.nn.Linear(128, 1)).to(dt)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    x = torch.tensor([1.5], dtype=dt)
    gen = torch.Generator().manual_seed(1)

    def run():
        opt.zero_grad()

        def f(y):  # y (1, S, 1) → energies (1, S)
            s = y.shape[1]
            z = torch.cat([x.view(1, 1, 1).expand(1, s, 1), y], dim=2)
            return m(z).view(1, s)
        y = dcem(f, torch.zeros(1, 1, dtype=dt), torch.full((1, 1), 7.0, dtype=dt), 100, 10, 10, 1.0, gen)
        ((y - 1) ** 2).sum().backward()
        opt.step()
    return run


class RSSM(torch.nn.Module):
    """PlaNet's recurrent state-space model for proprioceptive observations
    with the sizes of the Go benchmarks (rssm.Default(17, 6)): GRU belief 200,
    stochastic state 30, hidden layers 200, encoder 2×200, decoder and reward
    2×200 on [h, s]."""

    def __init__(self, obs=17, act=6, S=30, D=200, H=200, E=200):
        super().__init__()
        L, R = torch.nn.Linear, torch.nn.ReLU
        self.S = S
        self.enc = torch.nn.Sequential(L(obs, H), R(), L(H, E), R())
        self.pre = L(S + act, H)
        self.cell = torch.nn.GRUCell(H, D)
        self.prior = torch.nn.Sequential(L(D, H), R(), L(H, 2 * S))
        self.post = torch.nn.Sequential(L(D + E, H), R(), L(H, 2 * S))
        self.dec = torch.nn.Sequential(L(D + S, H), R(), L(H, H), R(), L(H, obs))
        self.rew = torch.nn.Sequential(L(D + S, H), R(), L(H, H), R(), L(H, 1))

    def gauss(self, out):
        m, s = out.split(self.S, dim=-1)
        return m, torch.nn.functional.softplus(s) + 0.1

    def transition(self, s, a, h):
        return self.cell(torch.relu(self.pre(torch.cat([s, a], -1))), h)

    def loss(self, obs, act, rew):
        T, B, _ = obs.shape
        emb = self.enc(obs.reshape(T * B, -1)).view(T, B, -1)
        h = obs.new_zeros(B, self.cell.hidden_size)
        s = obs.new_zeros(B, self.S)
        hs, ss, qm, qs = [], [], [], []
        for t in range(T):
            h = self.transition(s, act[t], h)
            m, sd = self.gauss(self.post(torch.cat([h, emb[t]], -1)))
            s = m + sd * torch.randn_like(sd)
            hs.append(h); ss.append(s); qm.append(m); qs.append(sd)
        H, S = torch.cat(hs), torch.cat(ss)
        pm, ps = self.gauss(self.prior(H))
        q = torch.distributions.Normal(torch.cat(qm), torch.cat(qs))
        p = torch.distributions.Normal(pm, ps)
        kl = torch.distributions.kl_divergence(q, p).sum(-1).clamp(min=3.0).mean()
        f = torch.cat([H, S], -1)
        obs_nll = 0.5 * ((self.dec(f) - obs.reshape(T * B, -1)) ** 2).sum(-1).mean()
        rew_nll = 0.5 * ((self.rew(f).squeeze(-1) - rew.reshape(-1)) ** 2).mean()
        return obs_nll + 10 * rew_nll + kl


def w_rssm_plan(dt, N=1000, iters=10, K=100):
    """One full-space CEM decision of PlaNet's planner in the model without a
    graph: N candidates (1000) × horizon 12 × iters iterations (10), K elites
    (100), actions clipped to [−1, 1], return = sum of predicted rewards from
    prior samples."""
    torch.manual_seed(1)
    m = RSSM().to(dt)
    Hz, A = 12, 6
    h0 = torch.randn(1, 200, dtype=dt)
    s0 = torch.randn(1, 30, dtype=dt)

    @torch.no_grad()
    def run():
        mean = torch.zeros(Hz, A, dtype=dt)
        std = torch.ones(Hz, A, dtype=dt)
        for _ in range(iters):
            acts = (mean + std * torch.randn(N, Hz, A, dtype=dt)).clamp(-1, 1)
            h, s = h0.expand(N, -1), s0.expand(N, -1)
            ret = torch.zeros(N, dtype=dt)
            for t in range(Hz):
                h = m.transition(s, acts[:, t], h)
                pm, ps = m.gauss(m.prior(h))
                s = pm + ps * torch.randn_like(ps)
                ret += m.rew(torch.cat([h, s], -1)).squeeze(-1)
            elite = acts[ret.topk(K).indices]
            mean, std = elite.mean(0), elite.std(0, unbiased=False)
        return mean
    return run


def w_rssm_update(dt):
    """One model update of PlaNet's training: the loss of 50 chunks of 50
    steps, its gradient, clipping at norm 1000 and an Adam step."""
    torch.manual_seed(1)
    m = RSSM().to(dt)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-4)
    obs = torch.randn(50, 50, 17, dtype=dt)
    act = torch.rand(50, 50, 6, dtype=dt) * 2 - 1
    rew = torch.rand(50, 50, dtype=dt)

    def run():
        opt.zero_grad()
        m.loss(obs, act, rew).backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1000)
        opt.step()
    return run


def w_latent_decision(dt):
    """One latent DCEM decision without a graph, as BenchmarkDecision makes it
    (exp/latent): a decoder z (8) → 128 → 128 → 12·6 with ELU and a sigmoid
    into [−1, 1], DCEM with 100 samples, 10 elites, τ = 1 and 10 iterations
    from μ = 0, σ = 1, each sample's return imagined 12 steps in the RSSM with
    the prior's means."""
    torch.manual_seed(1)
    m = RSSM().to(dt)
    L, E = torch.nn.Linear, torch.nn.ELU
    dec = torch.nn.Sequential(L(8, 128), E(), L(128, 128), E(), L(128, 72)).to(dt)
    h0 = torch.randn(1, 200, dtype=dt)
    s0 = torch.randn(1, 30, dtype=dt)
    gen = torch.Generator().manual_seed(2)

    def returns(z):  # (1, S, 8) → (1, S)
        u = 2 * torch.sigmoid(dec(z.reshape(-1, 8))) - 1
        n = u.shape[0]
        h, s = h0.expand(n, -1), s0.expand(n, -1)
        ret = torch.zeros(n, dtype=dt)
        for t in range(12):
            h = m.transition(s, u[:, 6 * t:6 * (t + 1)], h)
            s, _ = m.gauss(m.prior(h))
            ret += m.rew(torch.cat([h, s], -1)).squeeze(-1)
        return -ret.reshape(1, -1)

    @torch.no_grad()
    def run():
        mu = dcem(returns, torch.zeros(1, 8, dtype=dt), torch.ones(1, 8, dtype=dt), 100, 10, 10, 1.0, gen)
        return 2 * torch.sigmoid(dec(mu)) - 1
    return run


def latent_decoder(dt, latent=16, hidden=(256, 256, 256), out=72):
    """The phase-2 agent's decoder (latent.DefaultAgent): z → ELU layers →
    12·6 pre-sigmoid outputs."""
    L, E = torch.nn.Linear, torch.nn.ELU
    layers, d = [], latent
    for w in hidden:
        layers += [L(d, w), E()]
        d = w
    layers.append(L(d, out))
    return torch.nn.Sequential(*layers).to(dt)


def imagine(m, h, s, u, A=6, Hz=12):
    """Predicted returns of the plans u (N, Hz·A) from the beliefs (h, s),
    rolled out with the prior's means."""
    ret = torch.zeros(u.shape[0], dtype=u.dtype)
    for t in range(Hz):
        h = m.transition(s, u[:, A * t:A * (t + 1)], h)
        s, _ = m.gauss(m.prior(h))
        ret = ret + m.rew(torch.cat([h, s], -1)).squeeze(-1)
    return ret


def latent_plans(m, dec, h, s, gen, latent=16):
    """Latent DCEM from each belief (100 samples, 10 elites, τ = 1, 10
    iterations), differentiable through the solve: the decoded plans."""
    B = h.shape[0]

    def cost(z):  # (B, S, latent) → (B, S)
        S = z.shape[1]
        u = 2 * torch.sigmoid(dec(z.reshape(-1, latent))) - 1
        return -imagine(m, h.repeat_interleave(S, 0), s.repeat_interleave(S, 0), u).reshape(B, S)

    zeros = torch.zeros(B, latent, dtype=h.dtype)
    mu = dcem(cost, zeros, torch.ones_like(zeros), 100, 10, 10, 1.0, gen)
    return 2 * torch.sigmoid(dec(mu)) - 1


def w_decoder_update(dt, B=10):
    """One phase-2 decoder update as BenchmarkTrainStep makes it (exp/latent):
    a walker-sized model (24 observations) held fixed, B start states
    filtered over 10 replay steps with the posterior, latent DCEM from each,
    the mean predicted return of the solutions differentiated into the
    decoder through the solve and the rollouts, clipping at 100 and an Adam
    step."""
    torch.manual_seed(1)
    m = RSSM(obs=24).to(dt)
    m.requires_grad_(False)
    dec = latent_decoder(dt)
    opt = torch.optim.Adam(dec.parameters(), lr=1e-3)
    obs = torch.randn(10, B, 24, dtype=dt)
    act = torch.rand(10, B, 6, dtype=dt) * 2 - 1
    gen = torch.Generator().manual_seed(2)

    def run():
        with torch.no_grad():
            h, s = obs.new_zeros(B, 200), obs.new_zeros(B, 30)
            emb = m.enc(obs.reshape(10 * B, -1)).view(10, B, -1)
            for t in range(10):
                h = m.transition(s, act[t], h)
                qm, qs = m.gauss(m.post(torch.cat([h, emb[t]], -1)))
                s = qm + qs * torch.randn_like(qs)
        u = latent_plans(m, dec, h, s, gen)
        loss = -imagine(m, h, s, u).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(dec.parameters(), 100)
        opt.step()
    return run


def w_policy_microbatch(dt, B=16):
    """One PPO micro-batch of phase 3 as BenchmarkPolicyMicroBatch makes it
    (exp/latent): the first planned action of latent DCEM from each of B
    beliefs of a cheetah-sized model, the Gaussian log-probability (σ = 0.1)
    of given actions, and its gradient into the decoder, the reward model
    and the transition (the prior included)."""
    torch.manual_seed(1)
    m = RSSM().to(dt)
    m.requires_grad_(False)
    for part in (m.pre, m.cell, m.prior, m.rew):
        part.requires_grad_(True)
    dec = latent_decoder(dt)
    params = [p for p in list(m.parameters()) + list(dec.parameters()) if p.requires_grad]
    obs = torch.randn(B, 230, dtype=dt)
    act = torch.rand(B, 6, dtype=dt) * 2 - 1
    gen = torch.Generator().manual_seed(2)

    def run():
        for p in params:
            p.grad = None
        mean = latent_plans(m, dec, obs[:, :200], obs[:, 200:], gen)[:, :6]
        logp = torch.distributions.Normal(mean, 0.1).log_prob(act).sum(-1)
        logp.mean().backward()
    return run


# name, maker (dtype → run function), repetitions (full, quick)
WORKLOADS = [
    ("LML/64x100", w_lml(64, 100), (200, 20)),
    ("LML/1024x1000", w_lml(1024, 1000), (10, 2)),
    ("DCEM/B1_n2_S100_k10", w_dcem(1, 2, 100, 10), (100, 10)),
    ("DCEM/B16_n10_S1000_k100", w_dcem(16, 10, 1000, 100), (10, 2)),
    ("DCEM/B128_n10_S1000_k100", w_dcem(128, 10, 1000, 100), (5, 1)),
    ("DCEM/B128_n100_S1000_k100", w_dcem(128, 100, 1000, 100), (3, 1)),
    ("MLP64x256x256x64Batch1000Adam", w_mlp, (30, 5)),
    ("GRU230x200Batch50Unroll50", w_gru, (10, 2)),
    ("EnergyMLP128Batch1000", w_energy, (30, 5)),
    ("Softplus384k", w_softplus, (30, 5)),
    ("RegressionUpdateDCEM10x100", w_regression_dcem, (20, 3)),
    ("RSSMPlanCEM1000x12x10", w_rssm_plan, (3, 1)),
    ("RSSMPlanCEM300x12x5", lambda dt: w_rssm_plan(dt, N=300, iters=5, K=30), (10, 2)),
    ("RSSMUpdate50x50", w_rssm_update, (5, 1)),
    ("LatentDecision100x12x10", w_latent_decision, (10, 2)),
    ("LatentDecoderUpdate10", w_decoder_update, (3, 1)),
    ("LatentPolicyMicroBatch16", w_policy_microbatch, (3, 1)),
]


def main():
    args = sys.argv[1:]
    quick = "--quick" in args
    only32 = "--f32" in args
    filters = [a for a in args if not a.startswith("--")]
    for name, make, (full, fast) in WORKLOADS:
        if filters and not any(f in name for f in filters):
            continue
        for dt, tag in ((torch.float32, "f32"), (torch.float64, "f64")):
            if only32 and tag != "f32":
                continue
            ms = timeit(make(dt), fast if quick else full)
            print(json.dumps({"name": name, "dtype": tag, "ms": round(ms, 4)}), flush=True)


if __name__ == "__main__":
    main()
