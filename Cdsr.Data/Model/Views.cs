namespace Cdsr.Data.Model;

/// <summary>The interactions of one domain inside a time-ordered span, without copying: enumerates the span and
/// skips the other domain's interactions.</summary>
public readonly ref struct DomainSequence
{
    private readonly ReadOnlySpan<Interaction> _all;

    public DomainSequence(ReadOnlySpan<Interaction> all, Domain domain)
    {
        _all = all;
        Domain = domain;
    }

    public Domain Domain { get; }

    /// <summary>Number of interactions of <see cref="Domain"/> (O(n) over the span).</summary>
    public int Count
    {
        get
        {
            int n = 0;
            foreach (ref readonly var x in _all) if (x.Domain == Domain) n++;
            return n;
        }
    }

    public Enumerator GetEnumerator() => new(_all, Domain);

    /// <summary>Copies the item ids (in order) into a new array.</summary>
    public int[] ToItemArray()
    {
        var r = new int[Count];
        int k = 0;
        foreach (var x in this) r[k++] = x.Item;
        return r;
    }

    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<Interaction> _all;
        private readonly Domain _domain;
        private int _i;

        internal Enumerator(ReadOnlySpan<Interaction> all, Domain domain)
        {
            _all = all;
            _domain = domain;
            _i = -1;
        }

        public readonly Interaction Current => _all[_i];

        public bool MoveNext()
        {
            while (++_i < _all.Length)
                if (_all[_i].Domain == _domain) return true;
            return false;
        }
    }
}

/// <summary>The history of an <see cref="Instance"/>: the user's interactions before the target plus, for
/// "everything else" splits, those after it up to HistoryEnd. Two spans of the stored array; no copies.</summary>
public readonly ref struct HistoryView
{
    public HistoryView(ReadOnlySpan<Interaction> before, ReadOnlySpan<Interaction> after)
    {
        Before = before;
        After = after;
    }

    public ReadOnlySpan<Interaction> Before { get; }
    public ReadOnlySpan<Interaction> After { get; }

    public int Count => Before.Length + After.Length;

    public Interaction this[int i] => i < Before.Length ? Before[i] : After[i - Before.Length];

    /// <summary>Number of history interactions in <paramref name="domain"/>.</summary>
    public int CountIn(Domain domain) => new DomainSequence(Before, domain).Count + new DomainSequence(After, domain).Count;

    /// <summary>Copies the history (mixed, in order) into a new array.</summary>
    public Interaction[] ToArray()
    {
        var r = new Interaction[Count];
        Before.CopyTo(r);
        After.CopyTo(r.AsSpan(Before.Length));
        return r;
    }

    /// <summary>Item ids of one domain, in order, copied into a new array.</summary>
    public int[] ItemsOf(Domain domain)
    {
        var r = new int[CountIn(domain)];
        int k = 0;
        foreach (var x in new DomainSequence(Before, domain)) r[k++] = x.Item;
        foreach (var x in new DomainSequence(After, domain)) r[k++] = x.Item;
        return r;
    }

    public Enumerator GetEnumerator() => new(this);

    public ref struct Enumerator
    {
        private readonly HistoryView _view;
        private int _i;

        internal Enumerator(HistoryView view)
        {
            _view = view;
            _i = -1;
        }

        public readonly Interaction Current => _view[_i];
        public bool MoveNext() => ++_i < _view.Count;
    }
}
