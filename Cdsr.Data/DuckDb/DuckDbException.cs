namespace Cdsr.Data.DuckDb;

/// <summary>A DuckDB call failed; carries DuckDB's message and, where there was one, the SQL that failed.</summary>
public sealed class DuckDbException : Exception
{
    public DuckDbException(string message, string? sql = null, Exception? inner = null)
        : base(sql is null ? message : $"{message}\n  SQL: {Shorten(sql)}", inner)
    {
        NativeMessage = message;
        Sql = sql;
    }

    /// <summary>DuckDB's own error text.</summary>
    public string NativeMessage { get; }

    /// <summary>The statement that failed, if any.</summary>
    public string? Sql { get; }

    private static string Shorten(string sql) => sql.Length <= 2000 ? sql : sql[..2000] + " ...";
}
