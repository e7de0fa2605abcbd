package io.stevedore.common.auth;

import io.quarkus.security.Authenticated;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.store.TeamScopedJdbc;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;

/** A team-owned resource used only by the tests: it exercises {@link TeamScopedJdbc}. */
@Path("/test/notes")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class NotesResource {

  private final TeamScopedJdbc jdbc;

  NotesResource(TeamScopedJdbc jdbc) {
    this.jdbc = jdbc;
  }

  public record Note(UUID id, String text) {}

  @POST
  public Note create(Note body) {
    UUID id = UUID.randomUUID();
    jdbc.update(
        "insert into test_notes (id, team_id, text) select ?, team_id, ? from"
            + " (select ?::uuid as team_id) t where {team}",
        id,
        body.text(),
        jdbc.teamId());
    return new Note(id, body.text());
  }

  @GET
  public List<Note> list() {
    return jdbc.list(
        "select id, text from test_notes where {team} order by text",
        rs -> new Note(rs.getObject(1, UUID.class), rs.getString(2)));
  }

  @GET
  @Path("/{id}")
  public Note get(@PathParam("id") UUID id) {
    return jdbc.one(
            "select id, text from test_notes where id = ? and {team}",
            rs -> new Note(rs.getObject(1, UUID.class), rs.getString(2)),
            id)
        .orElseThrow(() -> ApiException.notFound("note '" + id + "' not found"));
  }

  @PUT
  @Path("/{id}")
  public Note update(@PathParam("id") UUID id, Note body) {
    if (jdbc.update("update test_notes set text = ? where id = ? and {team}", body.text(), id)
        == 0) {
      throw ApiException.notFound("note '" + id + "' not found");
    }
    return new Note(id, body.text());
  }

  @DELETE
  @Path("/{id}")
  public void delete(@PathParam("id") UUID id) {
    if (jdbc.update("delete from test_notes where id = ? and {team}", id) == 0) {
      throw ApiException.notFound("note '" + id + "' not found");
    }
  }
}
