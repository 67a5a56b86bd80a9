morgueSearch.load("d-0",{"zd":"SrUc+k-:K+"});
