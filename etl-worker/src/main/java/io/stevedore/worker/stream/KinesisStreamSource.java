package io.stevedore.worker.stream;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * A Kinesis data stream read from all its shards. The position is the last sequence number per
 * shard in {@code stevedore_stream_checkpoints}, written in the transaction that writes the batch's
 * rows, so a restart resumes {@code AFTER_SEQUENCE_NUMBER} of the last committed batch ({@code
 * TRIM_HORIZON} for a shard without one). The checkpoint update is conditional on the position this
 * reader started the batch from, so a second reader of the same stream id fails rather than writing
 * a batch twice. Records that are not JSON objects go to {@code stevedore_stream_rejects} in the
 * same transaction.
 */
final class KinesisStreamSource implements StreamSource {

  private final KinesisClient kinesis;
  private final String stream;
  private final String streamId;
  private final Clock clock;

  /** Per shard: where the last commit left it, and where reading is now. */
  private static final class ShardState {
    final String shardId;
    String committed;
    String read;
    String iterator;
    boolean closed;

    ShardState(String shardId, String committed) {
      this.shardId = shardId;
      this.committed = committed;
      this.read = committed;
    }
  }

  private final Map<String, ShardState> shards = new LinkedHashMap<>();

  KinesisStreamSource(KinesisClient kinesis, String stream, String streamId, Clock clock) {
    this.kinesis = kinesis;
    this.stream = stream;
    this.streamId = streamId;
    this.clock = clock;
  }

  @Override
  public String describe() {
    return "kinesis stream '" + stream + "'";
  }

  @Override
  public void open(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute(
          "create table if not exists stevedore_stream_checkpoints (stream_id text not null,"
              + " shard_id text not null, sequence_number text not null, updated_at timestamptz"
              + " not null default now(), primary key (stream_id, shard_id))");
      st.execute(
          "create table if not exists stevedore_stream_rejects (stream_id text not null,"
              + " record_id text not null, reason text not null, body text, rejected_at"
              + " timestamptz not null default now(), primary key (stream_id, record_id))");
    }
    Map<String, String> checkpoints = new HashMap<>();
    try (PreparedStatement ps =
        db.prepareStatement(
            "select shard_id, sequence_number from stevedore_stream_checkpoints where stream_id ="
                + " ?")) {
      ps.setString(1, streamId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          checkpoints.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    db.commit();
    shards.clear();
    for (Shard shard : listShards()) {
      ShardState s = new ShardState(shard.shardId(), checkpoints.get(shard.shardId()));
      s.iterator = iteratorAfter(s.shardId, s.committed);
      shards.put(s.shardId, s);
    }
    if (shards.isEmpty()) {
      throw new StreamException(describe() + " has no shards");
    }
  }

  private List<Shard> listShards() {
    List<Shard> all = new ArrayList<>();
    String next = null;
    try {
      do {
        ListShardsRequest request =
            next == null
                ? ListShardsRequest.builder().streamName(stream).build()
                : ListShardsRequest.builder().nextToken(next).build();
        ListShardsResponse response = kinesis.listShards(request);
        all.addAll(response.shards());
        next = response.nextToken();
      } while (next != null);
    } catch (ResourceNotFoundException e) {
      throw new StreamException("kinesis stream '" + stream + "' does not exist");
    } catch (SdkException e) {
      throw new StreamException(
          "cannot list the shards of kinesis stream '" + stream + "': " + e.getMessage());
    }
    return all;
  }

  private String iteratorAfter(String shardId, String sequence) {
    return kinesis
        .getShardIterator(
            b -> {
              b.streamName(stream).shardId(shardId);
              if (sequence == null) {
                b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
              } else {
                b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                    .startingSequenceNumber(sequence);
              }
            })
        .shardIterator();
  }

  @Override
  public Batch poll(int maxRecords, Duration maxWait, BooleanSupplier stopping) {
    List<StreamRecord> records = new ArrayList<>();
    long deadline = clock.millis() + maxWait.toMillis();
    long lag = 0;
    while (records.size() < maxRecords && !stopping.getAsBoolean()) {
      int before = records.size();
      for (ShardState shard : shards.values()) {
        if (shard.closed || records.size() >= maxRecords) {
          continue;
        }
        GetRecordsResponse response = getRecords(shard, maxRecords - records.size());
        if (response == null) {
          continue;
        }
        for (Record r : response.records()) {
          records.add(
              new StreamRecord(
                  shard.shardId + "/" + r.sequenceNumber(),
                  r.data().asString(StandardCharsets.UTF_8)));
          shard.read = r.sequenceNumber();
        }
        if (response.millisBehindLatest() != null) {
          lag = Math.max(lag, response.millisBehindLatest());
        }
        shard.iterator = response.nextShardIterator();
        shard.closed = shard.iterator == null;
      }
      long left = deadline - clock.millis();
      if (shards.values().stream().allMatch(s -> s.closed)) {
        // every shard is closed and read to its end: nothing more will come
        if (records.isEmpty() && left > 0) {
          SqsStreamSource.sleepQuietly(left);
        }
        break;
      }
      if (left <= 0) {
        break;
      }
      if (records.size() == before) {
        if (!records.isEmpty()) {
          break;
        }
        SqsStreamSource.sleepQuietly(Math.min(250, left));
      }
    }
    return new Batch(records, lag, null);
  }

  /** The shard's next records, or null when the shard's read throughput is exceeded for now. */
  private GetRecordsResponse getRecords(ShardState shard, int limit) {
    try {
      return kinesis.getRecords(
          b -> b.shardIterator(shard.iterator).limit(Math.min(10_000, limit)));
    } catch (ProvisionedThroughputExceededException e) {
      return null;
    } catch (ExpiredIteratorException e) {
      shard.iterator = iteratorAfter(shard.shardId, shard.read);
      return kinesis.getRecords(
          b -> b.shardIterator(shard.iterator).limit(Math.min(10_000, limit)));
    }
  }

  @Override
  public List<StreamRecord> claim(Connection tx, Batch batch) throws SQLException {
    for (ShardState s : shards.values()) {
      if (s.read == null || s.read.equals(s.committed)) {
        continue;
      }
      int changed;
      if (s.committed == null) {
        try (PreparedStatement ps =
            tx.prepareStatement(
                "insert into stevedore_stream_checkpoints (stream_id, shard_id, sequence_number)"
                    + " values (?, ?, ?) on conflict do nothing")) {
          ps.setString(1, streamId);
          ps.setString(2, s.shardId);
          ps.setString(3, s.read);
          changed = ps.executeUpdate();
        }
      } else {
        try (PreparedStatement ps =
            tx.prepareStatement(
                "update stevedore_stream_checkpoints set sequence_number = ?, updated_at = now()"
                    + " where stream_id = ? and shard_id = ? and sequence_number = ?")) {
          ps.setString(1, s.read);
          ps.setString(2, streamId);
          ps.setString(3, s.shardId);
          ps.setString(4, s.committed);
          changed = ps.executeUpdate();
        }
      }
      if (changed != 1) {
        throw new StreamException(
            "the checkpoint of stream id '"
                + streamId
                + "' shard '"
                + s.shardId
                + "' was moved by another reader; run one reader per Kinesis stream id");
      }
    }
    return batch.records();
  }

  @Override
  public void reject(Connection tx, List<Rejected> rejected) throws SQLException {
    if (rejected.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        tx.prepareStatement(
            "insert into stevedore_stream_rejects (stream_id, record_id, reason, body) values (?,"
                + " ?, ?, ?) on conflict do nothing")) {
      for (Rejected r : rejected) {
        ps.setString(1, streamId);
        ps.setString(2, r.record().id());
        ps.setString(3, r.reason());
        ps.setString(4, r.record().body());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public void committed(Batch batch, List<Rejected> rejected) {
    shards.values().forEach(s -> s.committed = s.read);
  }

  @Override
  public void abandoned(Batch batch) {
    for (ShardState s : shards.values()) {
      s.read = s.committed;
      s.iterator = iteratorAfter(s.shardId, s.committed);
      s.closed = false;
    }
  }

  @Override
  public void close() {
    kinesis.close();
  }
}
