using System.Text;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>The markdown results file: machine, versions, then one section per benchmark.</summary>
internal sealed class Report
{
    private readonly StringBuilder _text = new();

    public void Heading(string text) => _text.Append("\n## ").AppendLine(text).AppendLine();

    public void SubHeading(string text) => _text.Append("\n### ").AppendLine(text).AppendLine();

    public void Paragraph(string text) => _text.AppendLine(text).AppendLine();

    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _text.Append("| ").AppendJoin(" | ", header).AppendLine(" |");
        _text.Append('|').AppendJoin("", header.Select(_ => " --- |")).AppendLine();
        foreach (var row in rows)
        {
            _text.Append("| ").AppendJoin(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))).AppendLine(" |");
        }

        _text.AppendLine();
    }

    public void Raw(string text) => _text.Append(text);

    public override string ToString() => _text.ToString();

    /// <summary>Whether a measured figure meets its target, in words a reader can scan.</summary>
    public static string Verdict(bool? met) => met switch
    {
        true => "met",
        false => "missed",
        null => "n/a",
    };
}
