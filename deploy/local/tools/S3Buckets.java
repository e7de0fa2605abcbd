import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Creates and lists buckets on the local S3 (S3Proxy) without the AWS CLI: a single-file program
 * for {@code java S3Buckets.java}, with nothing but the JDK. Requests are path-style and signed
 * with AWS signature version 2, which S3Proxy accepts beside version 4; local use only.
 *
 * <pre>
 * java S3Buckets.java ENDPOINT ACCESS_KEY SECRET_KEY create BUCKET...   (existing ones are kept)
 * java S3Buckets.java ENDPOINT ACCESS_KEY SECRET_KEY list
 * </pre>
 */
public class S3Buckets {

  private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME;

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: S3Buckets ENDPOINT ACCESS_KEY SECRET_KEY create BUCKET... | list");
      System.exit(2);
    }
    S3Buckets s3 = new S3Buckets(URI.create(args[0]), args[1], args[2]);
    switch (args[3]) {
      case "create" -> {
        for (int i = 4; i < args.length; i++) {
          s3.create(args[i]);
        }
      }
      case "list" -> s3.list().forEach(System.out::println);
      default -> {
        System.err.println("unknown command '" + args[3] + "': expected create or list");
        System.exit(2);
      }
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI endpoint;
  private final String accessKey;
  private final String secretKey;

  S3Buckets(URI endpoint, String accessKey, String secretKey) {
    this.endpoint = endpoint;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  void create(String bucket) throws Exception {
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException("'" + bucket + "' is not a valid bucket name");
    }
    HttpResponse<String> response = send("PUT", "/" + bucket);
    int status = response.statusCode();
    if (status == 200) {
      System.out.println("created bucket " + bucket);
    } else if (status == 409 && response.body().contains("BucketAlreadyOwnedByYou")) {
      System.out.println("bucket " + bucket + " exists");
    } else {
      throw new IllegalStateException(
          "PUT /" + bucket + " answered " + status + ": " + response.body());
    }
  }

  List<String> list() throws Exception {
    HttpResponse<String> response = send("GET", "/");
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "GET / answered " + response.statusCode() + ": " + response.body());
    }
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("<Name>([^<]+)</Name>").matcher(response.body());
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    String date = RFC_1123.format(ZonedDateTime.now(ZoneOffset.UTC));
    // Signature V2: verb, Content-MD5, Content-Type, Date, canonical amz headers, resource.
    String stringToSign = method + "\n\n\n" + date + "\n" + path;
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    String signature =
        Base64.getEncoder()
            .encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.resolve(path))
            .timeout(Duration.ofSeconds(10))
            .header("Date", date)
            .header("Authorization", "AWS " + accessKey + ":" + signature)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
