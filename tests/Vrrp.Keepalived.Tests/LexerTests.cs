using Vrrp.Keepalived;

namespace Vrrp.Keepalived.Tests;

public class LexerTests
{
    [Theory]
    [InlineData("interval 10  # seconds", "interval 10")]
    [InlineData("  priority 100 ! comment", "priority 100")]
    [InlineData("# whole line", "")]
    [InlineData("! whole line", "")]
    [InlineData("script \"test ! -f /x # y\" # real comment", "script \"test ! -f /x # y\"")]
    [InlineData(@"auth_pass ab\#cd", "auth_pass ab#cd")]
    [InlineData(@"auth_pass ab\!cd", "auth_pass ab!cd")]
    [InlineData("state MASTER#no space", "state MASTER")]
    [InlineData("\t\tinterface eth0\t ", "interface eth0")]
    public void Decomment_removes_comments_outside_quotes(string line, string expected)
    {
        Assert.Equal(expected, Lexer.Decomment(line, out bool continues, out bool unterminated));
        Assert.False(continues);
        Assert.False(unterminated);
    }

    [Fact]
    public void Decomment_reports_continuation_and_unterminated_quote()
    {
        Assert.Equal("$X=a b", Lexer.Decomment(@"$X=a b \", out bool continues, out _));
        Assert.True(continues);
        Lexer.Decomment("script \"abc # def", out _, out bool unterminated);
        Assert.True(unterminated);
    }

    [Fact]
    public void Tokenize_splits_words_and_keeps_double_quoted_strings_whole()
    {
        List<Token> tokens = Lexer.Tokenize("notify_master \"/bin/x  a b\" root wheel");
        Assert.Equal(["notify_master", "/bin/x  a b", "root", "wheel"], tokens.Select(t => t.Text));
        Assert.Equal([false, true, false, false], tokens.Select(t => t.Quoted));
    }

    [Fact]
    public void Tokenize_ends_a_word_at_a_quote_like_keepalived()
    {
        Assert.Equal(["abc", "def ghi", "jkl"], Lexer.Tokenize("abc\"def ghi\"jkl").Select(t => t.Text));
    }

    [Fact]
    public void Tokenize_reports_an_unmatched_quote()
    {
        var tokens = new List<Token>();
        Assert.False(Lexer.TryTokenize("script \"abc def", tokens));
        Assert.Equal(["script", "abc def"], tokens.Select(t => t.Text));
    }

    [Theory]
    [InlineData("/bin/echo 'a b' \"c d\" e", new[] { "/bin/echo", "a b", "c d", "e" })]
    [InlineData("abcd\" efg h jkl \"mnop", new[] { "abcd efg h jkl mnop" })]
    [InlineData("abcd \"efg h jkl\" mnop", new[] { "abcd", "efg h jkl", "mnop" })]
    [InlineData(@"a\ b c\tx \x41\101 \cA", new[] { "a b", "c\tx", "AA", "\u0001" })]
    [InlineData(@"say \""quoted\"" \\", new[] { "say", "\"quoted\"", "\\" })]
    [InlineData("bash -c '</dev/tcp/127.0.0.1/80'", new[] { "bash", "-c", "</dev/tcp/127.0.0.1/80" })]
    public void SplitQuotedEscaped_splits_like_keepalived_script_lines(string text, string[] expected)
    {
        Assert.Equal(expected, Lexer.SplitQuotedEscaped(text, out string? error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("echo 'unterminated")]
    [InlineData("echo trailing\\")]
    public void SplitQuotedEscaped_rejects_broken_command_lines(string text)
    {
        Assert.Null(Lexer.SplitQuotedEscaped(text, out string? error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("vrrp_instance mape { state MASTER", 19)]
    [InlineData("{ 10.0.0.1", 0)]
    [InlineData("auth_pass secret1 }", 18)]
    [InlineData("script \"echo {}\"", -1)]
    [InlineData("priority 100", -1)]
    public void FindBrace_finds_the_first_brace_outside_quotes(string line, int expected) =>
        Assert.Equal(expected, Lexer.FindBrace(line));
}

public class NearMissTests
{
    [Theory]
    [InlineData("priorty", "priority")]
    [InlineData("virtual_ipadress", "virtual_ipaddress")]
    [InlineData("intreface", "interface")]
    [InlineData("advert_itn", "advert_int")]
    public void Suggests_the_close_keyword(string typo, string expected) =>
        Assert.Equal(expected, NearMiss.Suggest(typo, ["priority", "interface", "virtual_ipaddress", "virtual_ipaddress_excluded", "advert_int", "state"]));

    [Fact]
    public void Suggests_nothing_for_a_distant_word() =>
        Assert.Null(NearMiss.Suggest("banana", ["priority", "interface", "state"]));

    [Theory]
    [InlineData("abc", "abc", 0)]
    [InlineData("abc", "acb", 1)]
    [InlineData("abc", "ab", 1)]
    [InlineData("kitten", "sitting", 3)]
    public void Distance_counts_edits_with_transpositions(string a, string b, int expected) => Assert.Equal(expected, NearMiss.Distance(a, b));
}

public class GlobTests
{
    [Theory]
    [InlineData("*.conf", "a.conf", true)]
    [InlineData("*.conf", ".hidden.conf", false)]
    [InlineData(".*.conf", ".hidden.conf", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("[ab]x", "bx", true)]
    [InlineData("[!ab]x", "bx", false)]
    [InlineData("[a-c]x", "cx", true)]
    [InlineData(@"a\*", "a*", true)]
    [InlineData(@"a\*", "ab", false)]
    public void NameMatches_follows_fnmatch(string pattern, string name, bool expected) => Assert.Equal(expected, Glob.NameMatches(pattern, name));

    [Fact]
    public void ExpandBraces_expands_nested_alternatives_in_order() =>
        Assert.Equal(["x/a.conf", "x/b1.conf", "x/b2.conf", "x/c.conf"], Glob.ExpandBraces("x/{a,b{1,2},c}.conf"));
}
