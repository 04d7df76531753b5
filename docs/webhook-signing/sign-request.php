<?php
// PHP 7.4+: sign a webhook request for n8n's "Verify Shop Webhook" node.
function send_to_n8n(string $webhookUrl, string $secret, array $event)
{
    $rawBody = json_encode($event); // sign exactly the bytes you send
    $timestamp = (string) time();
    $signature = hash_hmac('sha256', $timestamp . '.' . $rawBody, $secret);
    $ch = curl_init($webhookUrl);
    curl_setopt_array($ch, [
        CURLOPT_POST => true,
        CURLOPT_POSTFIELDS => $rawBody,
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_HTTPHEADER => [
            'Content-Type: application/json',
            'X-Shop-Timestamp: ' . $timestamp,
            'X-Shop-Signature: sha256=' . $signature,
        ],
    ]);
    $answer = curl_exec($ch);
    $status = curl_getinfo($ch, CURLINFO_HTTP_CODE);
    curl_close($ch);
    return [$status, $answer];
}
