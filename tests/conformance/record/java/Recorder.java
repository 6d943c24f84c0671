// Ask the JDK's default ProxySelector (sun.net.spi.DefaultProxySelector) about each case.
// Input (stdin), one case per line, fields base64 (UTF-8) separated by single spaces:
//   ID URL [NAME VALUE]...      (NAME VALUE = JVM system properties of the case)
// Output (stdout), one line per case: ID<TAB>RESULT, where RESULT is
//   DIRECT | HTTP<TAB>host<TAB>port | SOCKS<TAB>host<TAB>port | ERROR<TAB>Class: message
// Mode "one-jvm" (default) runs every case in this JVM, clearing the previous case's
// properties first: NetProperties.get/getInteger read System.getProperty on every call and
// the nonProxyHosts pattern is cached keyed by its source string, so nothing else carries
// over (java.net.useSystemProxies, read once at class initialisation, is never set).
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

public class Recorder {
    static String dec(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    static String clean(String s) {
        return s == null ? "null" : s.replace('\t', ' ').replace('\n', ' ');
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> previous = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) continue;
            String[] f = line.split(" ", -1);
            String id = dec(f[0]);
            String url = dec(f[1]);
            for (String k : previous) System.clearProperty(k);
            previous.clear();
            for (int i = 2; i + 1 < f.length; i += 2) {
                String k = dec(f[i]);
                System.setProperty(k, dec(f[i + 1]));
                previous.add(k);
            }
            String result;
            try {
                URI uri = new URI(url);
                List<Proxy> l = ProxySelector.getDefault().select(uri);
                Proxy p = l.get(0);
                if (p.type() == Proxy.Type.DIRECT) {
                    result = "DIRECT";
                } else {
                    InetSocketAddress a = (InetSocketAddress) p.address();
                    result = p.type() + "\t" + clean(a.getHostString()) + "\t" + a.getPort();
                }
                if (l.size() != 1) result += "\t(" + l.size() + " proxies)";
            } catch (Exception e) {
                result = "ERROR\t" + e.getClass().getName() + ": " + clean(e.getMessage());
            }
            System.out.println(clean(id) + "\t" + result);
        }
    }
}
