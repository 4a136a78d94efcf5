using System.Globalization;
using RiskOps.Sql;
using RiskOps.Web.Health;

namespace RiskOps.Web.Dashboard;

/// <summary>
/// The time budget of one dashboard request (a page or a CSV export): <see cref="DashboardOptions.QueryTimeout"/> from
/// its start, or until the client leaves (<c>HttpContext.RequestAborted</c>), whichever comes first. While it is open,
/// every warehouse statement of the request is bound to it (<see cref="Warehouse.CancelWhen"/>): the running DuckDB
/// query is interrupted, no new one starts, chart rendering stops, and the request's code sees an
/// <see cref="OperationCanceledException"/> it answers with <see cref="Message"/> (503) or nothing (the client is gone).
/// </summary>
internal sealed class PageDeadline : IDisposable
{
    private readonly CancellationToken _aborted;
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _either;
    private readonly IDisposable _scope;

    public PageDeadline(TimeSpan timeout, CancellationToken aborted, TimeProvider time)
    {
        Timeout = timeout;
        _aborted = aborted;
        _timer = new CancellationTokenSource(timeout, time);
        _either = CancellationTokenSource.CreateLinkedTokenSource(_timer.Token, aborted);
        _scope = Warehouse.CancelWhen(_either.Token);
    }

    /// <summary>The budget.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The request's token (time out or client gone).</summary>
    public CancellationToken Token => _either.Token;

    /// <summary>True when <paramref name="error"/> is this deadline's cancellation (not some other cancelled operation).</summary>
    public bool Ended(Exception error) => _either.IsCancellationRequested && CausedByCancellation(error);

    private static bool CausedByCancellation(Exception? error) => error switch
    {
        null => false,
        OperationCanceledException => true,
        AggregateException many => many.InnerExceptions.Any(CausedByCancellation),
        _ => CausedByCancellation(error.InnerException),
    };

    /// <summary>
    /// Runs <paramref name="answer"/> under the deadline; when it ends early, counts it and answers 503 with
    /// <see cref="Message"/> as plain text (or an empty 499 when the client left).
    /// </summary>
    public async Task<IResult> AnswerAsync(Func<Task<IResult>> answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        try
        {
            return await answer();
        }
        catch (Exception ex) when (Ended(ex))
        {
            Count();
            return ClientLeft
                ? Results.StatusCode(StatusCodes.Status499ClientClosedRequest)
                : Results.Text(Message, "text/plain", System.Text.Encoding.UTF8, StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>The client closed the connection (its answer is not sent anywhere).</summary>
    public bool ClientLeft => _aborted.IsCancellationRequested;

    /// <summary>The one line a timed-out page shows.</summary>
    public string Message =>
        $"This page took longer than {Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; try a narrower filter (one week, a case type, a vendor).";

    /// <summary>Counts how the request ended early (<c>riskops_page_interrupted_total{reason}</c>).</summary>
    public void Count() => RiskOpsMetrics.PagesInterrupted.WithLabels(ClientLeft ? "client_left" : "timeout").Inc();

    public void Dispose()
    {
        _scope.Dispose();
        _either.Dispose();
        _timer.Dispose();
    }
}

/// <summary>Creates the deadline of a request from the configured timeout.</summary>
internal sealed class PageDeadlines(Microsoft.Extensions.Options.IOptions<DashboardOptions> options, TimeProvider time)
{
    /// <summary>The configured timeout.</summary>
    public TimeSpan Timeout => options.Value.QueryTimeout;

    /// <summary>Opens the deadline of <paramref name="context"/>'s request; dispose it on the request's own flow.</summary>
    public PageDeadline Start(HttpContext context) => new(options.Value.QueryTimeout, context.RequestAborted, time);
}
