package io.stevedore.validation.api.dashboard;

import io.stevedore.common.auth.ApiKeyFormat;
import io.stevedore.common.auth.ApiKeys;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Browser sessions of the dashboard. A browser cannot send the API key as a header, so the login
 * form takes the key once, checks it like the API does ({@link ApiKeys}) and answers with a session
 * cookie; the key itself is never stored, logged or sent back.
 *
 * <p>The cookie is {@code v1.<key id>.<team id>.<expiry>.<nonce>.<mac>}: the API key's public id,
 * the team, the expiry (epoch seconds), 128 random bits, and an HMAC-SHA256 over the rest with the
 * dashboard's secret. Every request checks the MAC, the expiry, and that the key is still unrevoked
 * and of that team, so revoking a key ends its sessions at once.
 *
 * <p>CSRF: forms carry a token that is an HMAC of a nonce the browser holds in an HttpOnly cookie
 * (the session's nonce once signed in, a login cookie's before), a signed double-submit cookie; a
 * cross-site form can neither read the cookie nor compute the MAC. Cookies are also {@code
 * SameSite=Strict}.
 */
@ApplicationScoped
public class DashboardSessions {

  /** The session cookie. */
  public static final String SESSION_COOKIE = "stv_dashboard";

  /** The cookie holding the login form's nonce. */
  public static final String LOGIN_COOKIE = "stv_dashboard_login";

  private static final Logger LOG = Logger.getLogger(DashboardSessions.class);
  private static final Pattern COOKIE =
      Pattern.compile(
          "v1\\.([0-9a-f]{12})\\.([0-9a-f-]{36})\\.([0-9]{1,12})\\.([A-Za-z0-9_-]{22})\\.([A-Za-z0-9_-]{43})");
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{22}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A signed-in browser.
   *
   * @param keyId the public id of the API key it signed in with
   * @param nonce the session's random part, which its CSRF token is derived from
   */
  public record Session(
      String keyId, UUID teamId, String teamName, Instant expiresAt, String nonce) {}

  /** The outcome of a login attempt. */
  public sealed interface Login {
    /** Signed in: {@code cookie} is the session cookie's value. */
    record SignedIn(Session session, String cookie) implements Login {}

    /** Refused: {@code reason} is for the person at the form and names no secret. */
    record Refused(String reason) implements Login {}
  }

  private final ApiKeys keys;
  private final DashboardStore store;
  private final DashboardConfig config;
  private final Clock clock;
  private final byte[] secret;

  DashboardSessions(ApiKeys keys, DashboardStore store, DashboardConfig config, Clock clock) {
    this.keys = keys;
    this.store = store;
    this.config = config;
    this.clock = clock;
    Optional<String> configured = config.sessionSecret().filter(s -> !s.isBlank());
    if (configured.isPresent()) {
      if (configured.get().length() < 32) {
        throw new IllegalStateException(
            "stevedore.validation.dashboard.session-secret must be at least 32 characters");
      }
      this.secret = configured.get().getBytes(StandardCharsets.UTF_8);
    } else {
      this.secret = new byte[32];
      RANDOM.nextBytes(secret);
      LOG.info(
          "no dashboard session secret is configured: a random one is used, so dashboard sessions"
              + " end when this instance restarts and are not shared with other instances");
    }
  }

  /** Checks a key typed into the login form; only a team's unrevoked key signs in. */
  public Login login(String apiKey) {
    if (apiKey == null || apiKey.isBlank()) {
      return new Login.Refused("Enter your team's API key.");
    }
    if (keys.isAdminKey(apiKey.strip())) {
      return new Login.Refused(
          "The admin key belongs to no team; sign in with one of your team's API keys.");
    }
    if (keys.serviceOf(apiKey.strip()).isPresent()) {
      return new Login.Refused(
          "A service's key belongs to no team; sign in with one of your team's API keys.");
    }
    Optional<ApiKeyFormat.Parsed> parsed = ApiKeyFormat.parse(apiKey);
    if (parsed.isEmpty()) {
      return new Login.Refused(
          "That is not an API key: keys look like stv_<12 hex digits>_<43 characters>.");
    }
    Optional<ApiKeys.Team> team = keys.authenticate(apiKey);
    if (team.isEmpty()) {
      return new Login.Refused("That API key is not valid, or it was revoked.");
    }
    Session session =
        new Session(
            parsed.get().id(),
            team.get().id(),
            team.get().name(),
            clock.instant().plus(config.sessionTtl()),
            nonce());
    return new Login.SignedIn(session, cookie(session));
  }

  /** The session a cookie stands for, if it is authentic, unexpired and its key unrevoked. */
  public Optional<Session> resolve(String cookie) {
    if (cookie == null) {
      return Optional.empty();
    }
    Matcher m = COOKIE.matcher(cookie);
    if (!m.matches()) {
      return Optional.empty();
    }
    String signed = cookie.substring(0, cookie.lastIndexOf('.'));
    if (!MessageDigest.isEqual(
        mac("session|" + signed).getBytes(StandardCharsets.US_ASCII),
        m.group(5).getBytes(StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    Instant expires = Instant.ofEpochSecond(Long.parseLong(m.group(3)));
    if (!clock.instant().isBefore(expires)) {
      return Optional.empty();
    }
    UUID teamId;
    try {
      teamId = UUID.fromString(m.group(2));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return store
        .activeKey(m.group(1))
        .filter(k -> k.teamId().equals(teamId))
        .map(k -> new Session(m.group(1), teamId, k.teamName(), expires, m.group(4)));
  }

  /** The CSRF token of a session's forms. */
  public String csrfToken(Session session) {
    return mac("csrf|" + session.nonce());
  }

  /** Whether a form's token belongs to this session. */
  public boolean validCsrf(Session session, String token) {
    return token != null
        && MessageDigest.isEqual(
            csrfToken(session).getBytes(StandardCharsets.US_ASCII),
            token.getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether a login cookie's value has the form of a nonce (so the form may keep using it). */
  public boolean isLoginNonce(String value) {
    return value != null && NONCE.matcher(value).matches();
  }

  /** A fresh nonce for the login form's cookie. */
  public String newLoginNonce() {
    return nonce();
  }

  /** The login form's token for the nonce in the browser's login cookie. */
  public String loginToken(String loginNonce) {
    return mac("login|" + loginNonce);
  }

  /** Whether a login form's token matches the browser's login cookie. */
  public boolean validLoginToken(String loginNonce, String token) {
    return loginNonce != null
        && token != null
        && NONCE.matcher(loginNonce).matches()
        && MessageDigest.isEqual(
            loginToken(loginNonce).getBytes(StandardCharsets.US_ASCII),
            token.getBytes(StandardCharsets.US_ASCII));
  }

  private String cookie(Session s) {
    String signed =
        "v1."
            + s.keyId()
            + "."
            + s.teamId()
            + "."
            + s.expiresAt().getEpochSecond()
            + "."
            + s.nonce();
    return signed + "." + mac("session|" + signed);
  }

  private static String nonce() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private String mac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
