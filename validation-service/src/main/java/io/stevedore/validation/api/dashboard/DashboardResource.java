package io.stevedore.validation.api.dashboard;

import io.quarkus.qute.TemplateInstance;
import io.stevedore.validation.api.dashboard.DashboardSessions.Login;
import io.stevedore.validation.api.dashboard.DashboardSessions.Session;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The quality dashboard: server-rendered HTML pages for people, team-scoped like the API. A browser
 * signs in with its team's API key once ({@code /dashboard/login}) and then holds a session cookie
 * ({@link DashboardSessions}). The pages need no script. Errors are HTML pages too, never a stack
 * trace.
 */
@Path("/dashboard")
@PermitAll // the session cookie is checked here, not by the API's bearer-key mechanism
@Produces(MediaType.TEXT_HTML)
public class DashboardResource {

  static final String PATH = "/dashboard";
  private static final String HTML = MediaType.TEXT_HTML + ";charset=UTF-8";
  private static final Logger LOG = Logger.getLogger(DashboardResource.class);

  private final Dashboard dashboard;
  private final DashboardSessions sessions;
  private final DashboardConfig config;

  DashboardResource(Dashboard dashboard, DashboardSessions sessions, DashboardConfig config) {
    this.dashboard = dashboard;
    this.sessions = sessions;
    this.config = config;
  }

  /** The team's datasets with their latest verdict, score and trend. */
  @GET
  @Operation(hidden = true)
  public Response datasets(@CookieParam(DashboardSessions.SESSION_COOKIE) String cookie) {
    Optional<Session> session = sessions.resolve(cookie);
    if (session.isEmpty()) {
      return toLogin(cookie);
    }
    Session s = session.get();
    return page(
        200,
        DashboardTemplates.datasets(
            s.teamName(), sessions.csrfToken(s), dashboard.datasets(s.teamId())));
  }

  /** A dataset: its latest result's failing checks with samples, corrections and history. */
  @GET
  @Path("/datasets/{dataset}")
  @Operation(hidden = true)
  public Response dataset(
      @PathParam("dataset") String dataset,
      @CookieParam(DashboardSessions.SESSION_COOKIE) String cookie) {
    Optional<Session> session = sessions.resolve(cookie);
    if (session.isEmpty()) {
      return toLogin(cookie);
    }
    Session s = session.get();
    UUID team = s.teamId();
    return dashboard
        .dataset(team, dataset)
        .map(p -> page(200, DashboardTemplates.dataset(s.teamName(), sessions.csrfToken(s), p)))
        .orElseGet(
            () ->
                page(
                    404,
                    DashboardTemplates.error(
                        s.teamName(),
                        sessions.csrfToken(s),
                        "Dataset not found",
                        "Team "
                            + s.teamName()
                            + " has no validation result for dataset '"
                            + dataset
                            + "'.")));
  }

  /** The login form; a browser already signed in goes to the datasets. */
  @GET
  @Path("/login")
  @Operation(hidden = true)
  public Response loginForm(
      @CookieParam(DashboardSessions.SESSION_COOKIE) String cookie,
      @CookieParam(DashboardSessions.LOGIN_COOKIE) String loginNonce) {
    if (sessions.resolve(cookie).isPresent()) {
      return Response.seeOther(URI.create(PATH)).build();
    }
    return loginPage(200, null, loginNonce);
  }

  /** Signs in with a team's API key: a session cookie and the datasets, or the form again. */
  @POST
  @Path("/login")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Operation(hidden = true)
  public Response login(
      @FormParam("apiKey") String apiKey,
      @FormParam("csrf") String csrf,
      @CookieParam(DashboardSessions.LOGIN_COOKIE) String loginNonce) {
    if (!sessions.validLoginToken(loginNonce, csrf)) {
      return loginPage(
          403,
          "This form expired or did not come from this page (cookies must be enabled). Enter the"
              + " key again.",
          null);
    }
    Login login = sessions.login(apiKey);
    if (login instanceof Login.SignedIn in) {
      return Response.seeOther(URI.create(PATH))
          .cookie(
              cookie(
                  DashboardSessions.SESSION_COOKIE, in.cookie(), config.sessionTtl().toSeconds()))
          .cookie(expired(DashboardSessions.LOGIN_COOKIE))
          .header("Cache-Control", "no-store")
          .build();
    }
    Login.Refused refused = (Login.Refused) login;
    return loginPage(401, refused.reason(), loginNonce);
  }

  /** Signs out: the session cookie is dropped. */
  @POST
  @Path("/logout")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Operation(hidden = true)
  public Response logout(
      @FormParam("csrf") String csrf,
      @CookieParam(DashboardSessions.SESSION_COOKIE) String cookie) {
    Optional<Session> session = sessions.resolve(cookie);
    if (session.isPresent() && !sessions.validCsrf(session.get(), csrf)) {
      Session s = session.get();
      return page(
          403,
          DashboardTemplates.error(
              s.teamName(),
              sessions.csrfToken(s),
              "Not signed out",
              "The sign-out form expired or did not come from this dashboard. Use the Sign out"
                  + " button of a page you just loaded."));
    }
    return Response.seeOther(URI.create(PATH + "/login"))
        .cookie(expired(DashboardSessions.SESSION_COOKIE))
        .build();
  }

  /** Any failure of a dashboard page is an HTML page, never a stack trace. */
  @ServerExceptionMapper
  public Response failure(Throwable e) {
    if (e instanceof WebApplicationException w && w.getResponse().getStatus() < 500) {
      int status = w.getResponse().getStatus();
      return page(
          status,
          DashboardTemplates.error(
              null,
              null,
              "Request not understood",
              "The dashboard could not answer this request."));
    }
    String reference = UUID.randomUUID().toString();
    LOG.errorf(e, "unexpected error on a dashboard page (reference %s)", reference);
    return page(
        500,
        DashboardTemplates.error(
            null,
            null,
            "Something went wrong",
            "The page could not be shown. Quote reference " + reference + " to the operators."));
  }

  private Response toLogin(String staleCookie) {
    Response.ResponseBuilder r = Response.seeOther(URI.create(PATH + "/login"));
    if (staleCookie != null) {
      r.cookie(expired(DashboardSessions.SESSION_COOKIE));
    }
    return r.build();
  }

  /** The login form, keeping the browser's login nonce when it has a well-formed one. */
  private Response loginPage(int status, String error, String loginNonce) {
    String nonce = sessions.isLoginNonce(loginNonce) ? loginNonce : sessions.newLoginNonce();
    return Response.fromResponse(
            page(status, DashboardTemplates.login(sessions.loginToken(nonce), error)))
        .cookie(cookie(DashboardSessions.LOGIN_COOKIE, nonce, 3600))
        .build();
  }

  private static Response page(int status, TemplateInstance template) {
    return Response.status(status)
        .type(HTML)
        .entity(template.render())
        .header("Cache-Control", "no-store")
        .header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self';"
                + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        .header("X-Content-Type-Options", "nosniff")
        .header("X-Frame-Options", "DENY")
        .header("Referrer-Policy", "no-referrer")
        .build();
  }

  private NewCookie cookie(String name, String value, long maxAgeSeconds) {
    return new NewCookie.Builder(name)
        .value(value)
        .path(PATH)
        .httpOnly(true)
        .secure(config.secureCookies())
        .sameSite(NewCookie.SameSite.STRICT)
        .maxAge((int) Math.min(Integer.MAX_VALUE, maxAgeSeconds))
        .build();
  }

  private NewCookie expired(String name) {
    return cookie(name, "", 0);
  }
}
