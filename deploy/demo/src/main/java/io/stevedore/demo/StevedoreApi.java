package io.stevedore.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The services' team-facing HTTP APIs, as the demo (or any team) calls them. */
public final class StevedoreApi {

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI scheduler;
  private final URI validation;

  public StevedoreApi(URI scheduler, URI validation) {
    this.scheduler = scheduler;
    this.validation = validation;
  }

  /**
   * Creates {@code team} when it does not exist yet (admin API) and returns a new API key for it.
   */
  public String teamKey(String adminKey, String team, String description) {
    Answer created =
        call(
            scheduler,
            "POST",
            "/admin/teams",
            adminKey,
            "application/json",
            json(Map.of("name", team)));
    if (created.status() != 201 && created.status() != 409) {
      throw created.failure("create team " + team);
    }
    Answer key =
        call(
            scheduler,
            "POST",
            "/admin/teams/" + team + "/keys",
            adminKey,
            "application/json",
            json(Map.of("description", description)));
    if (key.status() != 201) {
      throw key.failure("create an API key for team " + team);
    }
    return key.json().path("key").asText();
  }

  /** Saves a validation suite (a new version when it changed); returns its version. */
  public int saveSuite(String key, String name, String yaml) {
    Answer saved =
        call(validation, "POST", "/api/v1/suites?name=" + name, key, "application/yaml", yaml);
    if (saved.status() != 201 && saved.status() != 200) {
      throw saved.failure("save suite " + name);
    }
    return saved.json().path("version").asInt();
  }

  /** Saves a pipeline (a new version when it changed); returns its version. */
  public int savePipeline(String key, String yaml) {
    Answer saved = call(scheduler, "POST", "/api/v1/pipelines", key, "application/yaml", yaml);
    if (saved.status() != 201 && saved.status() != 200) {
      throw saved.failure("save the pipeline");
    }
    return saved.json().path("version").asInt();
  }

  /** Submits a run of the pipeline's latest version; returns the run's id. */
  public String submit(String key, String pipeline, Map<String, String> parameters) {
    Answer submitted =
        call(
            scheduler,
            "POST",
            "/api/v1/pipelines/" + pipeline + "/runs",
            key,
            "application/json",
            json(Map.of("parameters", parameters)));
    if (submitted.status() != 201 && submitted.status() != 200) {
      throw submitted.failure("submit a run of " + pipeline);
    }
    return submitted.json().path("id").asText();
  }

  /** The run with its stage attempts. */
  public JsonNode run(String key, String runId) {
    Answer got = call(scheduler, "GET", "/api/v1/runs/" + runId, key, null, null);
    if (got.status() != 200) {
      throw got.failure("read run " + runId);
    }
    return got.json();
  }

  private Answer call(
      URI base, String method, String path, String key, String contentType, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + key)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      HttpResponse<String> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(method + " " + base.resolve(path), answer.statusCode(), answer.body());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot reach " + base + " (" + e.getMessage() + "): is the local stack up?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling " + base, e);
    }
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private record Answer(String request, int status, String body) {

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException(request + " answered " + status + " with no JSON: " + body);
      }
    }

    IllegalStateException failure(String what) {
      return new IllegalStateException(
          "could not " + what + ": " + request + " answered HTTP " + status + ": " + body);
    }
  }
}
