"""What happens to an order between "it arrived" and "it is in the books"."""
