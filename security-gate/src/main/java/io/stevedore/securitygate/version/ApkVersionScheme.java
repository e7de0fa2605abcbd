package io.stevedore.securitygate.version;

import java.util.ArrayList;
import java.util.List;

/**
 * Alpine's apk version ordering: {@code digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}}.
 *
 * <p>Numbers compare numerically, except a dotted component with a leading zero, which compares as
 * a string (as apk does, after Gentoo). Pre-release suffixes ({@code _alpha}, {@code _beta}, {@code
 * _pre}, {@code _rc}) order before the bare version, post-release ones ({@code _cvs}, {@code _svn},
 * {@code _git}, {@code _hg}, {@code _p}) after it. When one version is a prefix of the other, the
 * longer one is higher unless what follows is a pre-release suffix.
 */
final class ApkVersionScheme implements VersionScheme {

  static final ApkVersionScheme INSTANCE = new ApkVersionScheme();

  private ApkVersionScheme() {}

  /** Token kinds, in the order in which they may follow each other. */
  enum Kind {
    INITIAL_DIGIT,
    DIGIT,
    LETTER,
    SUFFIX,
    SUFFIX_NO,
    COMMIT_HASH,
    REVISION_NO,
    END
  }

  /** Suffixes in order; {@code NONE} marks the place of the bare version. */
  private static final List<String> SUFFIXES =
      List.of("alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p");

  private static final int SUFFIX_NONE = SUFFIXES.indexOf("");

  record Token(Kind kind, String value, int suffix) {}

  @Override
  public String name() {
    return "apk";
  }

  @Override
  public boolean isValid(String version) {
    try {
      tokens(version);
      return true;
    } catch (InvalidVersionException e) {
      return false;
    }
  }

  @Override
  public String normalize(String version) {
    StringBuilder out = new StringBuilder();
    for (Token t : tokens(version)) {
      switch (t.kind()) {
        case INITIAL_DIGIT -> out.append(Digits.strip(t.value()));
        case DIGIT -> out.append('.').append(t.value());
        case LETTER -> out.append(t.value());
        case SUFFIX -> out.append('_').append(t.value());
        case SUFFIX_NO -> out.append(Digits.strip(t.value()));
        case COMMIT_HASH -> out.append('~').append(t.value());
        case REVISION_NO -> out.append("-r").append(Digits.strip(t.value()));
        case END -> {}
      }
    }
    return out.toString();
  }

  @Override
  public int compare(String a, String b) {
    List<Token> x = tokens(a);
    List<Token> y = tokens(b);
    int i = 0;
    while (x.get(i).kind() == y.get(i).kind() && x.get(i).kind() != Kind.END) {
      int c = compareTokens(x.get(i), y.get(i));
      if (c != 0) {
        return c;
      }
      i++;
    }
    Token ta = x.get(i);
    Token tb = y.get(i);
    if (ta.kind() == tb.kind()) {
      return 0;
    }
    if (ta.kind() == Kind.SUFFIX && ta.suffix() < SUFFIX_NONE) {
      return -1;
    }
    if (tb.kind() == Kind.SUFFIX && tb.suffix() < SUFFIX_NONE) {
      return 1;
    }
    return ta.kind().compareTo(tb.kind()) > 0 ? -1 : 1;
  }

  private static int compareTokens(Token a, Token b) {
    return switch (a.kind()) {
      case DIGIT -> {
        if (a.value().charAt(0) == '0' || b.value().charAt(0) == '0') {
          yield Integer.signum(a.value().compareTo(b.value()));
        }
        yield Digits.compare(a.value(), b.value());
      }
      case INITIAL_DIGIT, SUFFIX_NO, REVISION_NO -> Digits.compare(a.value(), b.value());
      case SUFFIX -> Integer.compare(a.suffix(), b.suffix());
      default -> Integer.signum(a.value().compareTo(b.value()));
    };
  }

  /** The version's tokens, ending with one {@link Kind#END}. */
  static List<Token> tokens(String version) {
    if (version == null || version.isEmpty()) {
      throw new InvalidVersionException("apk", String.valueOf(version), "empty");
    }
    List<Token> out = new ArrayList<>();
    String v = version;
    int i = digitsEnd(v, 0);
    if (i == 0) {
      throw invalid(version, "does not start with a digit");
    }
    out.add(new Token(Kind.INITIAL_DIGIT, v.substring(0, i), -1));
    Kind last = Kind.INITIAL_DIGIT;
    while (i < v.length()) {
      char c = v.charAt(i);
      if (c >= 'a' && c <= 'z') {
        if (last.compareTo(Kind.DIGIT) > 0) {
          throw invalid(version, "letter '" + c + "' at " + i);
        }
        out.add(new Token(Kind.LETTER, String.valueOf(c), -1));
        last = Kind.LETTER;
        i++;
      } else if (c == '.') {
        if (last.compareTo(Kind.DIGIT) > 0) {
          throw invalid(version, "'.' after a letter or suffix at " + i);
        }
        int end = digitsEnd(v, i + 1);
        if (end == i + 1) {
          throw invalid(version, "no digits after '.' at " + i);
        }
        out.add(new Token(Kind.DIGIT, v.substring(i + 1, end), -1));
        last = Kind.DIGIT;
        i = end;
      } else if (Digits.isDigit(c)) {
        // digits directly after a suffix name
        if (last != Kind.SUFFIX) {
          throw invalid(version, "unexpected digit at " + i);
        }
        Kind kind = Kind.SUFFIX_NO;
        int end = digitsEnd(v, i);
        out.add(new Token(kind, v.substring(i, end), -1));
        last = kind;
        i = end;
      } else if (c == '_') {
        if (last.compareTo(Kind.SUFFIX_NO) > 0) {
          throw invalid(version, "suffix after a hash or revision at " + i);
        }
        int end = i + 1;
        while (end < v.length() && v.charAt(end) >= 'a' && v.charAt(end) <= 'z') {
          end++;
        }
        String name = v.substring(i + 1, end);
        int suffix = name.isEmpty() ? -1 : SUFFIXES.indexOf(name);
        if (suffix < 0) {
          throw invalid(version, "unknown suffix '_" + name + "'");
        }
        out.add(new Token(Kind.SUFFIX, name, suffix));
        last = Kind.SUFFIX;
        i = end;
      } else if (c == '~') {
        if (last.compareTo(Kind.COMMIT_HASH) >= 0) {
          throw invalid(version, "'~' after a hash or revision at " + i);
        }
        int end = i + 1;
        while (end < v.length() && isHex(v.charAt(end))) {
          end++;
        }
        if (end == i + 1) {
          throw invalid(version, "no hash after '~' at " + i);
        }
        out.add(new Token(Kind.COMMIT_HASH, v.substring(i + 1, end), -1));
        last = Kind.COMMIT_HASH;
        i = end;
      } else if (c == '-') {
        if (last.compareTo(Kind.REVISION_NO) >= 0 || !v.startsWith("-r", i)) {
          throw invalid(version, "'-' not followed by 'r' and a number at " + i);
        }
        int end = digitsEnd(v, i + 2);
        if (end == i + 2) {
          throw invalid(version, "no number after '-r' at " + i);
        }
        out.add(new Token(Kind.REVISION_NO, v.substring(i + 2, end), -1));
        last = Kind.REVISION_NO;
        i = end;
      } else {
        throw invalid(version, "unexpected character '" + c + "' at " + i);
      }
    }
    out.add(new Token(Kind.END, "", -1));
    return out;
  }

  private static InvalidVersionException invalid(String version, String reason) {
    return new InvalidVersionException("apk", version, reason);
  }

  private static int digitsEnd(String s, int from) {
    int i = from;
    while (i < s.length() && Digits.isDigit(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isHex(char c) {
    return Digits.isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
