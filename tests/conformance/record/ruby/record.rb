# Run one case with the real Net::HTTP: Net::HTTP.get_response(URI(url)).
# Usage: ruby record.rb URL   (environment = the case's env; /etc/hosts = the case's table)
# Prints one JSON object: what Net::HTTP#connect saw (proxy?, proxy_address, proxy_port,
# proxy_uri) and the exception that ended the request (the connect always fails: the
# recorder runs this inside `unshare -n`).
require 'json'
require 'net/http'

$rec = { 'connect' => false }

module RecordConnect
  def connect
    $rec['proxy'] = proxy?
    $rec['proxy_address'] = proxy_address
    $rec['proxy_port'] = proxy_port
    $rec['proxy_uri'] = proxy? ? proxy_uri.to_s : nil
    $rec['connect'] = true
    super
  end
end
Net::HTTP.prepend(RecordConnect)

url = ARGV.fetch(0)
begin
  uri = URI(url)
rescue StandardError => e
  puts JSON.generate({ 'uri_error' => "#{e.class}: #{e.message}" })
  exit 0
end
$rec['hostname'] = uri.hostname
begin
  Net::HTTP.get_response(uri)
  $rec['error'] = nil
rescue StandardError => e
  $rec['error'] = "#{e.class}: #{e.message}"
end
if $rec['proxy_uri']
  # The environment variables whose value parses to the proxy URI Net::HTTP used.
  $rec['variables'] = ENV.select do |k, v|
    k =~ /proxy/i && k !~ /\Ano_proxy\z/i && (URI.parse(v).to_s == $rec['proxy_uri'] rescue false)
  end.keys.sort
end
puts JSON.generate($rec)
