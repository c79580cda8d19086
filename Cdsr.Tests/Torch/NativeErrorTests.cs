using Cdsr.Torch;
using static Cdsr.Torch.torch;

namespace Cdsr.Tests.Torch;

/// <summary>
/// libtorch errors cross the boundary as TorchException carrying libtorch's message; many of them in a row leave
/// the process healthy, leak no handles, and (by default) are raised without recording C++ backtraces.
/// </summary>
public class NativeErrorTests
{
    [Test]
    public void ShapeMismatchedMatmulNamesBothShapes()
    {
        using var scope = NewDisposeScope();
        var a = zeros(2, 3);
        var b = zeros(4, 5);
        var ex = Assert.Throws<TorchException>(() => a.matmul(b));
        Assert.That(ex!.Message, Does.Contain("2x3").And.Contain("4x5"));
        Assert.That(ex.Message, Does.Not.Contain("Exception raised from"), "the message carries no C++ backtrace");
    }

    [Test]
    public void TenThousandErrorsLeaveTheProcessHealthy()
    {
        using var scope = NewDisposeScope();
        var a = ones(2, 3);
        var b = ones(4, 5);
        var before = Tensor.TotalCount;
        string? first = null, last = null;
        for (int i = 0; i < 10_000; i++)
        {
            try
            {
                a.matmul(b);
                Assert.Fail("matmul of 2x3 and 4x5 succeeded");
            }
            catch (TorchException e)
            {
                first ??= e.Message;
                last = e.Message;
            }
        }
        Assert.That(last, Is.EqualTo(first), "every failure reports the same message");
        Assert.That(Tensor.TotalCount, Is.EqualTo(before), "failed calls create no handles");
        using var ok = a.matmul(ones(3, 2));
        Assert.That(ok.data<float>(), Is.EqualTo(new float[] { 3, 3, 3, 3 }));
    }

    [Test]
    public void ErrorsFromStatusAndPairReturningCallsAreReported()
    {
        using var scope = NewDisposeScope();
        var x = zeros(2, 3);
        var wrong = zeros(4);
        var before = Tensor.TotalCount;
        Assert.That(Assert.Throws<TorchException>(() => x.sort(5))!.Message, Does.Contain("Dimension out of range"));
        Assert.That(Assert.Throws<TorchException>(() => x.add_(wrong))!.Message, Does.Contain("must match the size"));
        Assert.That(Assert.Throws<TorchException>(() => x.split(new long[] { 2, 2 }, 1))!.Message, Does.Contain("split_with_sizes"));
        Assert.That(Tensor.TotalCount, Is.EqualTo(before));
    }

    [Test]
    public void BacktracesFollowTheEnvironment()
    {
        var wanted = Environment.GetEnvironmentVariable("CDSR_CPP_BACKTRACES") == "1";
        Assert.That(cpp_backtraces_enabled, Is.EqualTo(wanted));
    }

    [Test]
    public void ErrorsOnOtherThreadsKeepTheirOwnMessages()
    {
        // The message slot is thread-local: concurrent failures do not overwrite each other's messages.
        var messages = new string[4];
        var threads = Enumerable.Range(0, 4).Select(k => new Thread(() =>
        {
            using var scope = NewDisposeScope();
            var a = zeros(2, 3 + k);
            var b = zeros(7, 2);
            for (int i = 0; i < 200; i++)
            {
                try { a.matmul(b); }
                catch (TorchException e) { messages[k] = e.Message; }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        for (int k = 0; k < 4; k++) Assert.That(messages[k], Does.Contain($"2x{3 + k}").And.Contain("7x2"));
    }
}
